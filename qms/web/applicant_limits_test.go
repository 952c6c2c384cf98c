package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"isodt/qms"
)

// TestApplicantLimitsNamed: each applicant field over its bound is refused
// with a message naming the field and its limit, placed next to that
// input on the reception form (the other values kept) and named by its
// JSON path on the API; nothing is received.
func TestApplicantLimitsNamed(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, tok := a.login("a-staff"), a.token("a-staff")
	tests := []struct {
		input, json, path, value, limit string
	}{
		{"applicant_name", "name", "applicant.name", strings.Repeat("ả", 256), "tối đa 255 ký tự"},
		{"applicant_id", "id_number", "applicant.id_number", strings.Repeat("1", 21), "tối đa 20 ký tự"},
		{"applicant_phone", "phone", "applicant.phone", strings.Repeat("9", 21), "tối đa 20 ký tự"},
		{"applicant_address", "address", "applicant.address", strings.Repeat("ả", 501), "tối đa 500 ký tự"},
	}
	before := a.auditTotal()
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			form := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Trần Thị Bình"}, "note": {"Giữ lại ghi chú này"}, "channel": {"counter"}}
			form.Set(tc.input, tc.value)
			resp := a.do(http.MethodPost, "/dossiers", &staff, form)
			body := bodyOf(t, resp)
			errID := `id="error-` + strings.ReplaceAll(tc.path, ".", "-") + `"`
			if resp.StatusCode != 400 || !strings.Contains(body, errID) || !strings.Contains(body, tc.limit) || !strings.Contains(body, "Giữ lại ghi chú này") {
				t.Fatalf("web: %d, want 400 with %s saying %q and the note kept: %.400s", resp.StatusCode, errID, tc.limit, body)
			}
			applicant := map[string]string{"name": "Trần Thị Bình", tc.json: tc.value}
			req, err := json.Marshal(map[string]any{"tthc_code": "1.000001", "channel": "online", "applicant": applicant})
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				Error struct{ Field, Message string }
			}
			resp = a.api(http.MethodPost, "/api/v1/dossiers", tok, string(req))
			if resp.StatusCode != 400 {
				t.Fatalf("API: %d, want 400: %.300s", resp.StatusCode, bodyOf(t, resp))
			}
			decode(t, resp, &out)
			if out.Error.Field != tc.path || !strings.Contains(out.Error.Message, tc.limit) {
				t.Fatalf("API error %+v, want field %s saying %q", out.Error, tc.path, tc.limit)
			}
		})
	}
	if n := a.auditTotal(); n != before {
		t.Errorf("%d audit entries written by refused receipts", n-before)
	}
}

// TestApplicantComposed: an applicant's name and address typed decomposed
// (NFD: Unikey's "Unicode tổ hợp", macOS), by the reception form or the
// API, are stored composed (NFC) and trimmed, as the same name typed
// composed would be.
func TestApplicantComposed(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, tok := a.login("a-staff"), a.token("a-staff")
	name, address := norm.NFD.String("  Nguyễn Thị Hường "), norm.NFD.String("Phường Thuận Hóa, Huế")
	form := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {name}, "applicant_address": {address}, "channel": {"counter"}}
	if resp := a.do(http.MethodPost, "/dossiers", &staff, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("web receipt: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	req, _ := json.Marshal(map[string]any{"tthc_code": "1.000001", "channel": "online", "applicant": map[string]string{"name": name, "address": address}})
	if resp := a.api(http.MethodPost, "/api/v1/dossiers", tok, string(req)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("API receipt: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	agency := "A"
	ds, _, err := a.db.FindDossiers(context.Background(), qms.DossierFilter{AgencyCode: &agency, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, d := range ds {
		if strings.Contains(norm.NFC.String(d.Applicant.Name), "Hường") {
			found++
			if d.Applicant.Name != "Nguyễn Thị Hường" || d.Applicant.Address != "Phường Thuận Hóa, Huế" {
				t.Errorf("%s stored %q, %q: want them composed and trimmed", d.Code, d.Applicant.Name, d.Applicant.Address)
			}
		}
	}
	if found != 2 {
		t.Fatalf("%d of the 2 receipts found", found)
	}
}
