package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// passwordField is the field an action that signs reads the password
// from, in a page's form and in the JSON of the API alike.
const passwordField = "password"

// signingContext prepares the request of an action that may sign
// (approving a version, closing a nonconformity, issuing an audit report,
// a leader's dossier step): the password, when given, is checked again
// with the login's own check, so that wrong guesses count against the
// login throttle and a locked account stays locked. The store records
// the signature in the action's transaction, and refuses a signing action
// sent without the password (qms.ErrPasswordToSign).
func (s *Server) signingContext(c *fiber.Ctx, password string) error {
	ctx := c.UserContext()
	reauthenticated := false
	if password != "" {
		err := s.recheckPassword(c, "signature", passwordField, password, "Mật khẩu không đúng: chưa ký, thao tác chưa được thực hiện.")
		if qms.ErrorCode(err) == qms.ETOOMANY {
			// A lock, or a full queue of password checks: the message
			// says which, and that nothing was signed.
			return qms.TooMany(qms.ErrorRetryAfter(err), "%s Chưa ký, thao tác chưa được thực hiện.", qms.Quoted(err))
		} else if err != nil {
			return err
		}
		reauthenticated = true
	}
	c.SetUserContext(qms.WithSigning(ctx, reauthenticated))
	return nil
}

// recheckPassword checks the caller's own password again (a signature, a
// password change: via) with the login's check, so that wrong ones count
// against the login throttle and a locked account stays locked. A wrong
// password is a FieldError on field saying wrong, not a 401: the session
// is fine, only the check failed. A lock or a full queue of checks
// (ETOOMANY) passes through.
func (s *Server) recheckPassword(c *fiber.Ctx, via, field, password, wrong string) error {
	_, err := s.recheckPasswordStamp(c, via, field, password, wrong)
	return err
}

// recheckPasswordStamp is recheckPassword that also returns the stamp of
// the password it checked (qms.WithCheckedPassword), for a write that
// must not go through once the password is another.
func (s *Server) recheckPasswordStamp(c *fiber.Ctx, via, field, password, wrong string) (string, error) {
	cl := callerOf(c)
	u, err := s.Auth.Authenticate(c.UserContext(), cl.user.Username, password, s.clientAddr(c))
	if err != nil {
		s.logRefusedLogin(c, via, cl.user.Username, err)
	}
	if qms.ErrorCode(err) == qms.EUNAUTHORIZED || err == nil && u.ID != cl.user.ID {
		return "", qms.FieldError(field, "%s", wrong)
	}
	if err != nil {
		return "", err
	}
	return u.PasswordStamp, nil
}

// signatureView is one signature as a printed document shows it.
type signatureView struct {
	What, Meaning, Name, Title, At string
	// Current: the record still holds what was signed.
	Current bool
	// objectID and meaning are the record signed and the meaning's code,
	// for a print that names its signers as they signed.
	objectID int64
	meaning  qms.Meaning
}

// signer is the signature's signer as they signed.
func (v signatureView) signer() signer { return signer{Name: v.Name, Title: v.Title} }

// signatureViews reads the signatures of the records and words them in
// the page's language; what names each record (nil: the document itself).
func (s *Server) signatureViews(ctx context.Context, lang, objectType string, what func(id int64) string, ids ...int64) ([]signatureView, error) {
	if s.Signatures == nil {
		return nil, nil
	}
	sigs, err := s.Signatures.FindSignatures(ctx, objectType, ids...)
	if err != nil {
		return nil, err
	}
	l := dictionaries[lang]
	out := make([]signatureView, 0, len(sigs))
	for _, g := range sigs {
		v := signatureView{Meaning: label(l, "signature.meaning."+string(g.Meaning)), Name: g.FullName, Title: g.Title,
			At: formatDateTime(g.SignedAt), Current: g.Current, objectID: g.ObjectID, meaning: g.Meaning}
		if what != nil {
			v.What = what(g.ObjectID)
		}
		out = append(out, v)
	}
	return out, nil
}
