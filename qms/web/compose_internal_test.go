package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// TestPostedTextComposed: every posted text reaches the handlers composed
// (NFC), whatever the body's type and whichever field it is: a
// nonconformity's description or a step's note is stored as the same
// words typed with a composed keyboard. Repeated keys keep their values
// and order; a body already composed is left as sent.
func TestPostedTextComposed(t *testing.T) {
	const nfd, nfc = "Hồ sơ thiê\u0301u ba\u0309n sao", "Hồ sơ thiếu bản sao"
	s := &Server{log: slog.New(slog.DiscardHandler)}
	app := fiber.New()
	app.Use(s.checkForm)
	// A declaration's TTHC list: a field its route reads several values
	// of (listFields).
	app.Post("/declarations", func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
			return c.Send(c.Body())
		}
		var tags []string
		if mf, err := c.MultipartForm(); err == nil {
			tags = mf.Value["tthc"]
			for _, fh := range mf.File["file"] {
				tags = append(tags, fh.Filename)
			}
		} else {
			for _, v := range c.Request().PostArgs().PeekMulti("tthc") {
				tags = append(tags, string(v))
			}
		}
		return c.SendString(c.FormValue("note") + "|" + strings.Join(tags, ","))
	})
	multi := func(fields url.Values) (string, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, k := range []string{"note", "tthc"} {
			for _, v := range fields[k] {
				w.WriteField(k, v)
			}
		}
		f, _ := w.CreateFormFile("file", "bie\u0302\u0301n ba\u0309n.txt")
		f.Write([]byte("nội dung"))
		w.Close()
		return b.String(), w.FormDataContentType()
	}
	form := url.Values{"note": {nfd}, "tthc": {"a\u0300", "b", "e\u0302\u0301"}}
	mbody, mtype := multi(form)
	for _, tt := range []struct {
		name, contentType, body, want string
	}{
		{"urlencoded", fiber.MIMEApplicationForm, form.Encode(), nfc + "|à,b,ế"},
		{"urlencoded, composed already", fiber.MIMEApplicationForm, url.Values{"note": {nfc}, "tthc": {"x", "y"}}.Encode(), nfc + "|x,y"},
		{"multipart, a file's name too", mtype, mbody, nfc + "|à,b,ế,biến bản.txt"},
		{"JSON", fiber.MIMEApplicationJSON, `{"note":"` + nfd + `","items":["a` + "\u0300" + `"]}`, `{"note":"` + nfc + `","items":["à"]}`},
		// As Python's json.dumps writes it: every non-ASCII letter, the
		// combining marks too, as a \u escape; the number keeps its digits.
		{"JSON, marks as escapes", fiber.MIMEApplicationJSON, `{"note":"thie\u0302\u0301u <b>","n":12345678901234567890,"tie\u0302\u0301u":["a\u0300"]}`,
			`{"n":12345678901234567890,"note":"thiếu <b>","tiếu":["à"]}` + "\n"},
		{"JSON, composed escapes left as sent", fiber.MIMEApplicationJSON, `{"note":"thi\\u1ebfu"}`, `{"note":"thi\\u1ebfu"}`},
	} {
		req := httptest.NewRequest("POST", "/declarations", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", tt.contentType)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(got) != tt.want {
			t.Errorf("%s: %d %+q, want %+q", tt.name, resp.StatusCode, got, tt.want)
		}
	}
}

// TestUploadedFileNames (outsider pass 13, low): a file's name is a name:
// "x\u202egnp.txt" showed as "xtxt.png" on the dossier's page, so a
// control character, a line break or an invisible character in it is
// refused, naming the file's field, as is a name longer than 255
// characters; a Vietnamese name, composed or not, passes.
func TestUploadedFileNames(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(400).SendString(qms.ErrorField(err) + "|" + qms.ErrorMessage(err))
	}})
	app.Use(s.checkForm)
	app.Post("/dossiers/:code/steps", func(c *fiber.Ctx) error { return c.SendString("ok") })
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"biên bản thẩm định.pdf", true},
		{"bie\u0302\u0301n ba\u0309n.pdf", true},
		{"x\u202egnp.txt", false},
		{"a\u200bb.pdf", false},
		{strings.Repeat("a", 252) + ".pdf", false},
	} {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("step_id", "check")
		f, _ := w.CreateFormFile("evidence", tt.name)
		f.Write([]byte("nội dung"))
		w.Close()
		req := httptest.NewRequest("POST", "/dossiers/A-2026-000001/steps", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if tt.ok != (resp.StatusCode == 200) || !tt.ok && !strings.HasPrefix(string(got), "evidence|Tên tệp") {
			t.Errorf("%+q: %d %s", tt.name, resp.StatusCode, got)
		}
	}
}
