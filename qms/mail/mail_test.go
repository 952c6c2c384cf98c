package mail_test

import (
	"strings"
	"testing"

	"isodt/qms/mail"
	"isodt/qms/mail/mailtest"
)

func TestSend(t *testing.T) {
	if mail.New(mail.Config{}) != nil {
		t.Fatal("sender without a server")
	}
	srv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := mail.New(mail.Config{Addr: srv.Addr, From: "iso@so.gov.vn", BaseURL: "https://iso.so.gov.vn/"})
	if err := s.Send("lan@so.gov.vn", "3 phát hiện mới", "Xem "+s.Link("/compliance")); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "To: lan@so.gov.vn") || !strings.Contains(msgs[0], "=?utf-8?q?") || !strings.Contains(msgs[0], "https://iso.so.gov.vn/compliance") {
		t.Fatalf("messages: %q", msgs)
	}
	if err := s.Send("x\r\nBcc: evil@x", "a", "b"); err == nil {
		t.Fatal("header injection accepted")
	}
}
