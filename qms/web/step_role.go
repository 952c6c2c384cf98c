package web

import "isodt/qms"

// completable keeps the open steps whose completion form the caller is
// offered: those of a role they hold in the agency (qms.MayCompleteStep).
// Someone else completes a step only on a recorded delegation, through
// the API's delegated_by and delegation_reason; the store checks both
// paths alike, so a form posted anyway is refused there.
func completable(open []openStepView, roles []qms.Role) []openStepView {
	var out []openStepView
	for _, o := range open {
		if qms.MayCompleteStep(o.Step, roles) {
			out = append(out, o)
		}
	}
	return out
}
