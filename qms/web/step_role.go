package web

import "isodt/qms"

// completable keeps the open steps whose completion form the caller is
// offered: those of a role they hold in the agency (qms.MayCompleteStep).
// Someone else completes a step only on a delegation the delegator
// recorded beforehand (…/delegations); the store checks both paths
// alike, so a form posted without one is refused there.
//
// delegated are the steps delegated to the caller: their form is offered
// too, without the delegation form (a delegate does not hand on).
func completable(open []openStepView, roles []qms.Role, delegated []qms.StepDelegation) []openStepView {
	var out []openStepView
	for _, o := range open {
		if qms.MayCompleteStep(o.Step, roles) {
			out = append(out, o)
			continue
		}
		for _, d := range delegated {
			if d.StepID == o.ID {
				o.DelegatedBy = d.From
				out = append(out, o)
				break
			}
		}
	}
	return out
}
