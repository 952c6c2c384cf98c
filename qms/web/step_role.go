package web

import "isodt/qms"

// completable keeps the open steps whose completion form the caller is
// offered: those of a role they hold in the agency (qms.MayCompleteStep).
// Someone else completes a step only on a delegation the delegator
// recorded beforehand (…/delegations); the store checks both paths
// alike, so a form posted without one is refused there.
func completable(open []openStepView, roles []qms.Role) []openStepView {
	var out []openStepView
	for _, o := range open {
		if qms.MayCompleteStep(o.Step, roles) {
			out = append(out, o)
		}
	}
	return out
}
