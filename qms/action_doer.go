package qms

import (
	"slices"
	"strings"
)

// CheckActionDoer reports whether user, holding roles in the agency, may
// record an assigned action done (a corrective action of a
// nonconformity, a treatment action of a risk): the person it was
// assigned to, who is told of it and carries it out, or a leader or
// quality officer there, who follow every action up. An auditor who does
// not own the action does not: they verify its effectiveness afterwards.
func CheckActionDoer(owner, user string, roles []Role) error {
	if strings.EqualFold(owner, user) || slices.Contains(roles, RoleLeader) || slices.Contains(roles, RoleQualityOfficer) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Hành động này được giao cho %s: chỉ người được giao, lãnh đạo hoặc cán bộ chuyên trách ISO của đơn vị ghi nhận hoàn thành được.", owner)
}
