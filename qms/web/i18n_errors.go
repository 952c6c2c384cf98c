package web

import (
	"errors"
	"fmt"

	"isodt/qms"
)

// errorText is the English of one domain refusal: the Vietnamese format
// a qms.Error was made with (qms.Errorf, qms.FieldError, qms.FieldErrorf,
// qms.TooMany) and the English format, with the same verbs in the same
// order, applied to the same arguments. An empty en marks a format that
// is only its arguments ("%s: %s"): it has no words of its own to
// translate, and the page falls back to the kind of refusal and the
// Vietnamese detail. TestErrorFormatsTranslated finds every format in
// the sources and fails on one without an entry.
type errorText struct{ vi, en string }

// errorFormats maps each Vietnamese format to its English one.
var errorFormats = errorCatalogue(errorsPeople, errorsDossier, errorsQuality, errorsTools, errorsStore, errorsWeb)

func errorCatalogue(groups ...[]errorText) map[string]string {
	m := map[string]string{}
	for _, g := range groups {
		for _, t := range g {
			if _, dup := m[t.vi]; dup {
				panic("web: two English entries for the refusal " + t.vi)
			}
			m[t.vi] = t.en
		}
	}
	return m
}

// translatedRefusal is err's message in lang, on the page at path, when
// err (or an error it wraps) is a domain error whose format the catalogue
// of lang holds; Vietnamese is the messages' own language and has no
// catalogue. The arguments are said in lang too (englishArg).
func translatedRefusal(err error, lang, path string) (string, bool) {
	var e *qms.Error
	if lang != "en" || !errors.As(err, &e) || e.Format == "" {
		return "", false
	}
	en := errorFormats[e.Format]
	if en == "" {
		return "", false
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = englishArg(a, lang, path)
	}
	return fmt.Sprintf(en, args...), true
}

// englishArg is a refusal's argument as a page in lang says it: a field
// by its label on the form posted to path (fieldLabel), a count written
// the page's way, a word of the domain from errorArgs; the records' own
// words as they are.
func englishArg(a any, lang, path string) any {
	switch a := a.(type) {
	case qms.FieldName:
		return fieldLabel(dictionaries[lang], path, a.Field)
	case qms.Number:
		return formatNumber(float64(a), 0, lang)
	case string:
		if en := errorArgs[a]; en != "" {
			return en
		}
	}
	return a
}

// errorArgs is the English of the few Vietnamese words the domain puts
// into a refusal as an argument rather than in its format: a role's
// title, a document's action and status, how a full name clashes. Other
// arguments are the records' own words and stay as they are.
var errorArgs = map[string]string{
	// qms/flow.go roleTitle
	"Quản trị": "Administrator", "Cán bộ ISO": "Quality officer", "Lãnh đạo": "Leader",
	"Chuyên viên": "Staff", "Đánh giá viên": "Internal auditor",
	// qms/lifecycle.go actionName, statusName
	"trình duyệt": "submit", "phê duyệt": "approve", "trả lại": "return", "thu hồi": "withdraw", "thay thế": "supersede",
	"dự thảo": "draft", "chờ duyệt": "awaiting approval", "có hiệu lực": "in force",
	"hết hiệu lực": "superseded", "đã thu hồi": "withdrawn",
	// qms/sqlstore/user.go checkNameUnique
	"giống họ tên của": "is the same as the full name of", "giống họ tên cũ của": "is the same as a former full name of",
}
