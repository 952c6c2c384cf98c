package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestNotificationsInReadersLanguage: a notification is written in the
// language of the page that shows it (the notifications page and the
// dashboard), from its kind and values; one kept before notifications had
// kinds shows its stored title.
func TestNotificationsInReadersLanguage(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	d := a.dossierAtSigning(a.clerk())
	checkAPI(t, "delegate", a.api("POST", "/api/v1/dossiers/"+d.Code+"/delegations", a.token("a-leader"), `{"step_id":"sign","to":"a-staff","reason":"Đi công tác"}`), 201, "", nil)
	staff := a.users["a-staff"]
	if _, err := rawOf(t, a).Exec(`INSERT INTO notifications (user_id, agency_code, title, link, created_at) VALUES ($1, 'A', 'Thông báo cũ không có loại', '', '2026-01-05T08:00:00Z')`, staff.ID); err != nil {
		t.Fatal(err)
	}
	s := a.login("a-staff")
	get := func(path, lang string) string {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		return html.UnescapeString(bodyOf(t, a.send(req)))
	}
	tests := []struct {
		path, lang string
		want, not  []string
	}{
		{"/notifications", "vi", []string{"Bước “Ký giấy phép” của hồ sơ " + d.Code + " được ủy quyền cho bạn", "Thông báo cũ không có loại"}, []string{"was delegated to you"}},
		{"/notifications", "en", []string{"Step “Ký giấy phép” of dossier " + d.Code + " was delegated to you", "Thông báo cũ không có loại"}, []string{"được ủy quyền cho bạn"}},
		{"/", "en", []string{"Step “Ký giấy phép” of dossier " + d.Code + " was delegated to you"}, []string{"được ủy quyền cho bạn"}},
	}
	for _, tc := range tests {
		body := get(tc.path, tc.lang)
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s in %s lacks %q", tc.path, tc.lang, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(body, w) {
				t.Errorf("%s in %s says %q", tc.path, tc.lang, w)
			}
		}
	}
}
