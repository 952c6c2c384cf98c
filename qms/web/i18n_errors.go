package web

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"isodt/qms"
	"isodt/qms/flowchart"
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
var errorFormats = errorCatalogue(errorsPeople, errorsDossier, errorsQuality, errorsTools, errorsStore, errorsWeb, errorsFlowchart, errorsBPMN, errorsImporter)

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
	if !errors.As(err, &e) {
		return "", false
	}
	return translatedText(e.Format, e.Args, lang, path)
}

// formatted is a message kept as its Vietnamese format and arguments:
// msg.Text, and what is made of one (flowchart.Problem, bpmn.Error,
// importer.Problem).
type formatted interface {
	Formatted() (format string, args []any)
}

// translatedText is the message of format and args in lang, on the page
// at path, when the catalogue of lang holds format; the arguments are
// said in lang too (englishArg). A format with no words of its own
// ("%s", "%s; %s") is its own English when it quotes messages, every one
// of which is said in lang.
func translatedText(format string, args []any, lang, path string) (string, bool) {
	if lang != "en" || format == "" {
		return "", false
	}
	en := errorFormats[format]
	quoted, said := 0, 0
	out := englishArgs(args, lang, path)
	for i, a := range args {
		if _, ok := a.(formatted); ok {
			quoted++
			if _, ok := out[i].(string); ok {
				said++
			}
		}
	}
	if en == "" {
		if !wordless(format) || quoted == 0 || said < quoted {
			return "", false
		}
		en = format
	}
	return fmt.Sprintf(en, out...), true
}

func englishArgs(args []any, lang, path string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = englishArg(a, lang, path)
	}
	return out
}

// formatVerb matches one verb of a format, %% included.
var formatVerb = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

// wordless reports whether format has no letters but its verbs'.
func wordless(format string) bool {
	return strings.IndexFunc(formatVerb.ReplaceAllString(format, ""), unicode.IsLetter) < 0
}

// englishArg is a refusal's argument as a page in lang says it: a field
// by its label on the form posted to path (fieldLabel), a count or a
// flowchart's hours written the page's way, a message it quotes in
// lang (translatedText) when the catalogue has it (one with no words of
// its own, such as a list, by saying its parts), a word of the domain
// from errorArgs; the records' own words as they are.
func englishArg(a any, lang, path string) any {
	switch a := a.(type) {
	case qms.FieldName:
		return fieldLabel(dictionaries[lang], path, a.Field)
	case qms.Number:
		return formatNumber(float64(a), 0, lang)
	case flowchart.Hours:
		return flowchart.FormatHours(float64(a), lang)
	case pageTextArg:
		return label(dictionaries[lang], string(a))
	case qms.AgencyKindArg:
		if en, ok := dictionaries[lang]["agency.kind."+string(a)]; ok {
			return en
		}
	case formatted:
		format, args := a.Formatted()
		if en, ok := translatedText(format, args, lang, path); ok {
			return en
		}
		if format != "" && wordless(format) {
			return fmt.Sprintf(format, englishArgs(args, lang, path)...)
		}
	case string:
		if en := errorArgs[a]; en != "" {
			return en
		}
	}
	return a
}

// pageTextArg is a text of the pages' dictionaries, by its key, as an
// argument of a refusal: it prints as the Vietnamese text, and a page in
// another language says the text of its own dictionary.
type pageTextArg string

func (k pageTextArg) String() string { return dictionaries["vi"][string(k)] }

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
