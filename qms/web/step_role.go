package web

import (
	"slices"

	"isodt/qms"
)

// completable keeps the open steps whose completion form the caller is
// offered: those of a role they hold in the agency (qms.MayCompleteStep).
// Someone else completes a step only on a delegation the delegator
// recorded beforehand (…/delegations); the store checks both paths
// alike, so a form posted without one is refused there.
//
// delegated are the steps delegated to the caller: their form is offered
// too, without the delegation form (a delegate does not hand on).
//
// A step the caller may not complete because they handled the dossier
// on the other side of the leader's signature (qms.CheckIndependentSigner,
// on the steps they completed, handled) is not offered; it is in
// notSigner, which the page explains.
func completable(open []openStepView, roles []qms.Role, delegated []qms.StepDelegation, handled []qms.HandledStep) (offered []openStepView, notSigner []notSignerView) {
	for _, o := range open {
		mine := qms.MayCompleteStep(o.Step, roles)
		del := slices.IndexFunc(delegated, func(d qms.StepDelegation) bool { return d.StepID == o.ID })
		switch h, conflict := qms.HandledElsewhere(o.Step, handled); {
		case !mine && del < 0:
		case conflict:
			notSigner = append(notSigner, notSignerView{ID: o.ID, Step: o.Name, Handled: h.Name, Signed: qms.StepRole(o.Step) != qms.RoleLeader})
		default:
			if !mine {
				o.DelegatedBy = delegated[del].From
			}
			offered = append(offered, o)
		}
	}
	return offered, notSigner
}

// notSignerView is a step the caller holds (or was delegated) but does
// not complete, having done the step Handled: a leader's step after
// handling the dossier, or, Signed, a step of another role after signing.
type notSignerView struct {
	ID, Step, Handled string
	Signed            bool
}

// handledBy lists the steps user completed among a dossier's records.
func handledBy(records []*qms.StepRecord, user string) []qms.HandledStep {
	var out []qms.HandledStep
	for _, r := range records {
		if r.Actor == user {
			out = append(out, qms.HandledStep{Name: r.StepName, Responsible: r.Responsible})
		}
	}
	return out
}
