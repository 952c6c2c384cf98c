package qms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Signatures with meaning (issue #16 item 7; ISO 9001:2015 7.5.2 c and
// 7.5.3: documented information is reviewed and approved, and records
// are protected against unintended alteration). An action that signs asks
// for the password again in the same request; the signature names the
// signer (full name and title as they were at the time), what the
// signature means, and a hash of what was signed, and is written in the
// transaction of the action itself. A signed record does not change: a
// new version does.
//
// SignatureBasis is the legal text the signatures stand on, kept as data
// (document number and effective date).
var SignatureBasis = struct {
	Document  string    `json:"document"`
	Effective time.Time `json:"effective"`
}{
	Document:  "Luật Giao dịch điện tử số 20/2023/QH15, Điều 22–23 (chữ ký điện tử)",
	Effective: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
}

// Meaning is what a signer attests by signing.
type Meaning string

const (
	MeaningDrafted  Meaning = "drafted"  // soạn thảo: I wrote it and put it forward
	MeaningReviewed Meaning = "reviewed" // kiểm tra: I checked it against the evidence
	MeaningApproved Meaning = "approved" // phê duyệt: I approve it for use / decide it
)

var meaningLabel = map[Meaning]string{
	MeaningDrafted: "Soạn thảo", MeaningReviewed: "Kiểm tra", MeaningApproved: "Phê duyệt",
}

// MeaningLabel is the Vietnamese name of a meaning.
func MeaningLabel(m Meaning) string { return meaningLabel[m] }

// What is signed: the object types a signature row names.
const (
	SignedProcedureVersion = "procedure_version"
	SignedFormVersion      = "form_version"
	SignedNonconformity    = "nonconformity"
	SignedAuditReport      = "audit_plan"
	SignedDossierStep      = "dossier_step"
)

// SignedAction is an action that signs, and the meaning of its signature:
//
//	submitting a version       → soạn thảo (the author puts it forward)
//	approving a version        → phê duyệt
//	closing a nonconformity    → kiểm tra (effectiveness verified, closed)
//	issuing an audit report    → kiểm tra (the auditor attests the findings)
//	a leader's dossier step    → phê duyệt (the leader decides the result)
type SignedAction struct {
	ObjectType string
	Action     string
}

// SignatureMeaning maps each signing action to its meaning; an action not
// listed does not sign.
var SignatureMeaning = map[SignedAction]Meaning{
	{SignedProcedureVersion, ActionSubmit}:  MeaningDrafted,
	{SignedProcedureVersion, ActionApprove}: MeaningApproved,
	{SignedFormVersion, ActionSubmit}:       MeaningDrafted,
	{SignedFormVersion, ActionApprove}:      MeaningApproved,
	{SignedNonconformity, "close"}:          MeaningReviewed,
	{SignedAuditReport, "report"}:           MeaningReviewed,
	{SignedDossierStep, "step"}:             MeaningApproved,
}

// Signs reports whether the action on the object type signs.
func Signs(objectType, action string) bool {
	_, ok := SignatureMeaning[SignedAction{objectType, action}]
	return ok
}

// StepSigns reports whether completing a step of role r signs: the steps
// whose responsible role is the leader (the decision on a dossier).
func StepSigns(r Role) bool { return r == RoleLeader }

// Signature is one signature on one record.
type Signature struct {
	ID         int64  `json:"id"`
	ObjectType string `json:"object_type"`
	ObjectID   int64  `json:"object_id"`
	// ContentSHA256 is the hash of what was signed (ContentHash), so a
	// later change of the record is seen against it.
	ContentSHA256 string `json:"content_sha256"`
	// ContentVersion is the reading of the record the hash is of (which
	// columns it covers): a signature is checked at its own.
	ContentVersion int       `json:"content_version"`
	UserID         int64     `json:"user_id"`
	Username       string    `json:"username"`
	FullName       string    `json:"full_name"`
	Title          string    `json:"title"`
	Meaning        Meaning   `json:"meaning"`
	SignedAt       time.Time `json:"signed_at"`
	// Current: the record still holds what was signed. A draft sent back
	// and edited leaves its drafting signature behind, no longer current.
	Current bool `json:"current"`
}

// MeaningText is the Vietnamese name of the signature's meaning.
func (s *Signature) MeaningText() string { return MeaningLabel(s.Meaning) }

// ContentHash is the SHA-256 (hex) of the signed content as the store
// serialises it.
func ContentHash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

type signingKey struct{}

// WithSigning marks ctx as the request of an action that signs when it
// is a signing action (an approval, a close, a leader's step…).
// reauthenticated says the caller checked the actor's password again in
// this request (web: signingContext). The store then records the
// signature in the action's own transaction; without the password it
// refuses the signing action (ErrPasswordToSign) once the action's own
// checks have passed, so that a form's other mistakes are named first.
// A context without the mark (the CLI, the demo loader, store tests)
// signs nothing.
func WithSigning(ctx context.Context, reauthenticated bool) context.Context {
	return context.WithValue(ctx, signingKey{}, reauthenticated)
}

// Signing reports whether ctx carries the mark of WithSigning and
// whether the password was checked again.
func Signing(ctx context.Context) (asked, reauthenticated bool) {
	reauthenticated, asked = ctx.Value(signingKey{}).(bool)
	return asked, reauthenticated
}

// ErrPasswordToSign is the refusal of a signing action sent without the
// password.
func ErrPasswordToSign() error {
	return FieldError("password", "Nhập lại mật khẩu để ký: thao tác này được ký điện tử.")
}

// SignatureService reads signatures.
type SignatureService interface {
	// FindSignatures lists the signatures of the objects of one type, in
	// signing order.
	FindSignatures(ctx context.Context, objectType string, ids ...int64) ([]*Signature, error)
}
