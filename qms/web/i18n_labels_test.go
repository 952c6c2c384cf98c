package web

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"isodt/qms"
)

// TestProduct14EveryCodeLabelled: every code of every vocabulary has a
// Vietnamese and an English label (the rules by the domain's title and
// its English name), and every audit action the store writes is in the
// audit-action vocabulary.
func TestProduct14EveryCodeLabelled(t *testing.T) {
	for _, v := range vocabularies {
		if len(v.codes) == 0 {
			t.Errorf("vocabulary %q has no codes", v.prefix)
		}
		for _, c := range v.codes {
			for _, lang := range []string{"vi", "en"} {
				if s := dictionaries[lang][v.prefix+c]; strings.TrimSpace(s) == "" || (lang == "vi" && s == c) {
					t.Errorf("%s: no %s label for code %q", v.prefix, lang, c)
				}
			}
		}
	}
	for _, r := range qms.Rules {
		if r.Title == "" || domainEnglish["rule."+r.Code] == "" {
			t.Errorf("rule %s: no Vietnamese or English name", r.Code)
		}
	}

	// The actions: every literal action of an audit call in the store,
	// and every action the store composes from a prefix and a verb.
	// The store's own code and the services written once for both
	// stores (qms/sqlstore, where the call is tx.Audit).
	files, _ := filepath.Glob("../sqlite/*.go")
	shared, _ := filepath.Glob("../sqlstore/*.go")
	files = append(files, shared...)
	literal := regexp.MustCompile(`[aA]udit(?:Account)?\(ctx, [^,]+, (?:[a-z]+, )?"([a-z_]+\.[a-z_]+)",`)
	composed := regexp.MustCompile(`[aA]udit\(ctx, [^,]+, "([a-z_]+\.(?:version_)?)"\+`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			found++
			if !slices.Contains(auditActions, m[1]) {
				t.Errorf("%s: audit action %q has no label", f, m[1])
			}
		}
		for _, m := range composed.FindAllStringSubmatch(string(b), -1) {
			found++
			if !slices.ContainsFunc(auditActions, func(a string) bool { return strings.HasPrefix(a, m[1]) }) {
				t.Errorf("%s: audit actions %q… have no label", f, m[1])
			}
		}
	}
	if found < 40 {
		t.Errorf("only %d audit calls found in the store", found)
	}
	for _, a := range []string{"dossier.step", "dossier.complete", "tthc.create", "tthc.update", "user.grant", "user.revoke", "nc.start", "nc.verify"} {
		if !slices.Contains(auditActions, a) { // the actions chosen in code, not written at the call
			t.Errorf("audit action %q has no label", a)
		}
	}
}

// TestNoticeTexts: every kind of notification has its text in both
// languages, taking the same values as the domain's Vietnamese text, and
// the Vietnamese page says what the e-mail says.
func TestNoticeTexts(t *testing.T) {
	for _, kind := range qms.NoticeKinds() {
		vi, ok := dictionaries["vi"]["notice."+kind]
		en, ok2 := dictionaries["en"]["notice."+kind]
		if !ok || !ok2 {
			t.Errorf("notice %s: no Vietnamese or English text", kind)
			continue
		}
		var args []string
		for i := range strings.Count(vi, "%s") {
			args = append(args, fmt.Sprintf("<value %d>", i+1))
		}
		if got, want := qms.FormatNotice(vi, args), qms.NewNotice(kind, args...).Title(); got != want {
			t.Errorf("notice %s: the page says %q, the e-mail %q", kind, got, want)
		}
		if got := qms.FormatNotice(en, args); strings.Contains(got, "%!") || strings.Count(en, "%s") != len(args) {
			t.Errorf("notice %s: the English text takes other values: %q", kind, got)
		}
	}
}

// TestFindingTexts holds every sentence of a finding to a Vietnamese and
// an English text taking the same values: each value shows once, in
// either language, and the page's Vietnamese is the message's.
func TestFindingTexts(t *testing.T) {
	for _, kind := range qms.FindingKinds() {
		vi, ok := dictionaries["vi"][kind]
		_, ok2 := dictionaries["en"][kind]
		if !ok || !ok2 {
			t.Errorf("finding %s: no Vietnamese or English text", kind)
			continue
		}
		n := strings.Count(vi, "%s")
		args := make([]any, n)
		for i := range args {
			args[i] = fmt.Sprintf("<value %d>", i+1)
		}
		p := qms.Say(kind, args...)
		if got, want := p.In(wording("vi", dictionaries["vi"])), p.String(); got != want {
			t.Errorf("finding %s: the page says %q, the message %q", kind, got, want)
		}
		got := p.In(wording("en", dictionaries["en"]))
		for _, a := range args {
			if strings.Count(got, a.(string)) != 1 {
				t.Errorf("finding %s: the English text does not show %s once: %q", kind, a, got)
			}
		}
		if strings.Contains(got, "%!") {
			t.Errorf("finding %s: the English text takes other values: %q", kind, got)
		}
		if strings.IndexFunc(got, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
			t.Errorf("finding %s: the English text has a Vietnamese letter: %q", kind, got)
		}
	}
}
