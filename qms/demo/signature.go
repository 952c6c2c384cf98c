package demo

import (
	"context"

	"isodt/qms"
)

// Signatures with meaning (issue #16 item 7). The demo's people sign what
// the product asks a signature for: the procedures and forms they submit
// and approve, the audit report, the nonconformities they close and the
// leader's step of every dossier worked through the services. The loader
// knows its users' one password, so it marks its own writes as signed
// rather than checking the password again; the web asks it of a person.

// titles are the job titles (chức vụ) the first user of each role
// carries, which signatures print; the others go by their role's name.
var titles = map[qms.Role]string{
	qms.RoleLeader:         "Phó Giám đốc Sở",
	qms.RoleQualityOfficer: "Chuyên viên phụ trách ISO",
	qms.RoleAuditor:        "Đánh giá viên nội bộ",
}

// titleOf is the title of the k-th user of role r.
func titleOf(r qms.Role, k int) string {
	if k > 0 {
		return ""
	}
	return titles[r]
}

// signs is a.as for a write that signs.
func (a *agency) signs(ctx context.Context, r qms.Role) context.Context {
	return qms.WithSigning(a.as(ctx, r), true)
}
