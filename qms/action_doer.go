package qms

import (
	"slices"
	"strings"
)

// ActionOwnerRoles are the roles that carry out assigned actions
// (corrective, risk treatment, review decisions): an account that is
// only an admin of the agency keeps accounts and does no such work.
var ActionOwnerRoles = []Role{RoleStaff, RoleQualityOfficer, RoleLeader, RoleAuditor}

// FeedbackAnswererRoles are the roles that answer citizen feedback.
var FeedbackAnswererRoles = []Role{RoleStaff, RoleQualityOfficer, RoleLeader}

// AuditTeamRoles are the roles of whoever sits on an internal audit's
// team, held in the planning agency: the policy lets auditors and
// quality officers write internal audits (the checklist, the answers,
// the report); anyone else named on a team would be shown the plan as
// theirs and refused its pages, or allowed to read it only.
var AuditTeamRoles = []Role{RoleAuditor, RoleQualityOfficer}

// CheckAssignee reports whether user, holding roles held in the agency,
// may be given work that the roles able carry out: named in field, it
// is refused when user is not of the agency or holds none of able (they
// would be told of the work and refused when doing it).
func CheckAssignee(field, user, agency string, held, able []Role) error {
	if len(held) == 0 {
		return FieldError(field, "Người được giao %q không thuộc đơn vị %s.", user, agency)
	}
	for _, r := range held {
		if slices.Contains(able, r) {
			return nil
		}
	}
	names := make([]string, len(able))
	for i, r := range able {
		names[i] = roleTitle[r]
	}
	return FieldError(field, "Tài khoản %s không có vai trò thực hiện việc này trong đơn vị %s (%s).", user, agency, strings.Join(names, ", "))
}

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
