package storetest_test

import (
	"errors"
	"strings"
	"testing"

	"isodt/qms"
)

// TestStoredFilesVerified (outsider pass 12, medium): the bytes of a
// stored file replaced with the database file were served under the
// hash they no longer have, the evidence of a leader's signed step
// included, and neither `qms audit verify` nor SIGNATURE_BROKEN saw it.
// Now the file is refused when read, and verify names it, altered or
// deleted; put back, both clear.
func TestStoredFilesVerified(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ref, err := f.PutFile(f.ctx, "qd.pdf", "application/pdf", []byte("%PDF-1.4 Quyết định số 123"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.VerifyAuditChain(f.ctx); err != nil {
			t.Fatalf("untouched: %v", err)
		}
		named := func(when, change string) {
			t.Helper()
			_, err := f.VerifyAuditChain(f.ctx)
			var rt *qms.RowsTampered
			if !errors.As(err, &rt) || len(rt.Rows) != 1 || rt.Rows[0].Table != "blobs" || rt.Rows[0].Key != ref.SHA256 || rt.Rows[0].Change != change {
				t.Fatalf("%s: %v, want the file named %s", when, err, change)
			}
		}
		other, err := f.PutFile(f.ctx, "qd-khac.pdf", "application/pdf", []byte("%PDF-1.4 Quyết định số 999"))
		if err != nil {
			t.Fatal(err)
		}
		key := `'` + ref.SHA256 + `'`
		if err := f.exec(`CREATE TABLE kept_blob AS SELECT data FROM blobs WHERE sha256 = ` + key); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ name, change, back string }{
			{"bytes replaced", `UPDATE blobs SET data = (SELECT data FROM blobs WHERE sha256 = '` + other.SHA256 + `') WHERE sha256 = ` + key,
				`UPDATE blobs SET data = (SELECT data FROM kept_blob) WHERE sha256 = ` + key},
			{"size changed", `UPDATE blobs SET size = size + 1 WHERE sha256 = ` + key, `UPDATE blobs SET size = size - 1 WHERE sha256 = ` + key},
		} {
			if err := f.exec(tt.change); err != nil {
				t.Fatal(err)
			}
			named(tt.name, qms.RowAltered)
			if tt.name == "bytes replaced" {
				if _, _, err := f.GetFile(f.ctx, ref.SHA256); qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "thay đổi ngoài ứng dụng") {
					t.Fatalf("the replaced file read: %v", err)
				}
			}
			if err := f.exec(tt.back); err != nil {
				t.Fatal(err)
			}
			if _, err := f.VerifyAuditChain(f.ctx); err != nil {
				t.Fatalf("%s, put back: %v", tt.name, err)
			}
			if data, _, err := f.GetFile(f.ctx, ref.SHA256); err != nil || !strings.Contains(string(data), "123") {
				t.Fatalf("%s, put back, read: %q %v", tt.name, data, err)
			}
		}
		if err := f.exec(`DELETE FROM blobs WHERE sha256 = ` + key); err != nil {
			t.Fatal(err)
		}
		named("deleted", qms.RowDeleted)
	})
}
