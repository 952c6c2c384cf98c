package demo

import (
	"fmt"

	"isodt/qms"
)

// reads makes the distribution of agency a's documents show both states:
// the versions in force were distributed when they were approved; the
// quality officer has acknowledged all of theirs, the first staff member
// all, the next ones every second, third… and the last none, so that the
// "Tài liệu cần đọc" pages, the distribution lists and the ACK_OVERDUE
// findings have something to show.
func (g *generator) reads(a *agency, s Showcase) error {
	type reader struct {
		u     *qms.User
		every int // acknowledge every n-th pending read; 0: none
	}
	readers := []reader{{a.users[qms.RoleQualityOfficer][0], 1}}
	staff := a.users[qms.RoleStaff]
	for i, u := range staff {
		every := i + 1
		if i == len(staff)-1 && len(staff) > 1 {
			every = 0
		}
		readers = append(readers, reader{u, every})
	}
	for _, r := range readers {
		if r.every == 0 {
			continue
		}
		ctx := qms.WithActor(g.sys, qms.Actor{UserID: r.u.ID, Username: r.u.Username, AgencyCode: a.code})
		pending, err := s.PendingReads(ctx, a.code, r.u.ID)
		if err != nil {
			return err
		}
		for i, p := range pending {
			if i%r.every != 0 {
				continue
			}
			if _, err := s.AcknowledgeRead(ctx, a.code, p.DocRef); err != nil {
				return fmt.Errorf("%s acknowledges %s: %w", r.u.Username, p.Code, err)
			}
		}
	}
	return nil
}
