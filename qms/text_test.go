package qms_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"isodt/qms"
)

// TestCheckText: a submitted text is refused for invalid UTF-8, for a
// control character (the bidirectional overrides included, which show a
// title in another order than it is stored), and past its bound, with
// the bound written the Vietnamese way; tab, newline and the
// left-to-right and right-to-left marks pass.
func TestCheckText(t *testing.T) {
	tests := []struct {
		name, text string
		max        int
		want       string // "" when accepted
	}{
		{"plain Vietnamese", "Quy trình cấp giấy phép", 100, ""},
		{"tab and newlines in a note", "Dòng 1\tcột\r\nDòng 2", qms.MaxShortText, ""},
		{"a newline in a name", "Trần Thị\nBình", qms.MaxNameText, "một dòng"},
		{"a carriage return in a phone", "0987\r654321", 20, "một dòng"},
		{"a tab in a name", "Trần\tBình", qms.MaxNameText, "một dòng"},
		{"a Unicode line separator in a name", "Nguyễn\u2028Văn A", qms.MaxNameText, "một dòng"},
		{"a Unicode paragraph separator in a name", "Nguyễn\u2029Văn A", qms.MaxNameText, "một dòng"},
		{"direction marks in a note", "QT\u200e-01\u200f", qms.MaxShortText, ""},
		{"a direction mark in a name", "QT\u200e-01", 100, "U+200E"},
		{"NUL", "QT\x00-01", 100, "U+0000"},
		{"vertical tab", "QT\v-01", 100, "U+000B"},
		{"right-to-left override", "ok\u202eFDP.exe", 100, "U+202E"},
		{"left-to-right embedding", "\u202aQT-01", 100, "U+202A"},
		{"first strong isolate", "QT\u2068-01\u2069", 100, "U+2068"},
		{"zero-width space", "Trần Thị Bình gi\u200bấy", 100, "ký tự vô hình không được phép (U+200B)"},
		{"zero-width space in a note", "Ghi\u200b chú", qms.MaxShortText, "ký tự vô hình không được phép (U+200B)"},
		{"word joiner", "QT\u2060-01", 100, "U+2060"},
		{"zero-width no-break space", "\ufeffQT-01", 100, "U+FEFF"},
		{"joiners of an emoji sequence in a note", "Cảm ơn 👍🏻\u200d", qms.MaxShortText, ""},
		{"a joiner in a name", "QT\u200c-01", 100, "U+200C"},
		{"a Hangul filler after a name", "Lãnh đạo 1\u3164", qms.MaxNameText, "U+3164"},
		{"a soft hyphen in a name", "Nguy\u00adễn", qms.MaxNameText, "U+00AD"},
		{"a combining grapheme joiner in a name", "A\u034fB", qms.MaxNameText, "U+034F"},
		{"a tag character in a name", "A\U000E0041", qms.MaxNameText, "U+E0041"},
		{"a variation selector in a name", "Sở A\ufe0f", qms.MaxNameText, "U+FE0F"},
		{"a name that begins with a mark", " \u0301Bình", qms.MaxNameText, "U+0301"},
		{"a mark on its letter", "Bi\u0300nh", qms.MaxNameText, ""},
		{"only spaces, left to the field's own rule", "   ", 100, ""},
		{"only no-break spaces", "\u00a0\u3000", 100, ""},
		{"only a Hangul filler", "\u3164", qms.MaxNameText, "vô hình"},
		{"a Braille blank between spaces in a note", " \u2800 ", qms.MaxShortText, "vô hình"},
		{"not UTF-8", "QT\xff", 100, "UTF-8"},
		{"too long", strings.Repeat("ả", 20001), qms.MaxLongText, "tối đa 20.000 ký tự (hiện có 20.001)"},
	}
	for _, tc := range tests {
		err := qms.CheckText("title", "Tên quy trình", tc.text, tc.max)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(qms.ErrorMessage(err), tc.want) || qms.ErrorField(err) != "title"):
			t.Errorf("%s: %v, want a refusal of title saying %q", tc.name, err, tc.want)
		}
	}
}

// TestCheckTextArguments: a refusal names its field by a FieldName and
// writes its bounds as Numbers, which print as the Vietnamese label and
// counts, so that the message reads as it did when they were strings;
// a page in another language says them its own way.
func TestCheckTextArguments(t *testing.T) {
	err := qms.CheckText("title", "Tên quy trình", strings.Repeat("ả", 501), 500)
	var e *qms.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v, want a domain error", err)
	}
	if want := "Tên quy trình quá dài: tối đa 500 ký tự (hiện có 501)."; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	want := []any{qms.FieldName{Field: "title", Label: "Tên quy trình"}, qms.Number(500), qms.Number(501)}
	if !reflect.DeepEqual(e.Args, want) {
		t.Errorf("args %#v, want %#v", e.Args, want)
	}
	if got := fmt.Sprintf("%s, %s", qms.FieldName{Field: "title", Label: "Tên quy trình"}, qms.Number(20000)); got != "Tên quy trình, 20.000" {
		t.Errorf("printed %q", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 20000: "20.000", 1234567: "1.234.567", -4500: "-4.500"} {
		if got := qms.Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"Cấp phép":                "Cấp phép",
		" Cấp phép":               "Cấp phép",
		"Cấp phép ":               "Cấp phép",
		"Cấp  phép":               "Cấp phép",
		"Cấp\nphép":               "Cấp phép",
		"Cấp\r\n  phép\t karaoke": "Cấp phép karaoke",
		"Cấp\u00a0phép":           "Cấp phép",
		" ":                       "",
		"a":                       "a",
	} {
		if got := qms.OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
