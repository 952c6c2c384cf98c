package qms

import (
	"fmt"
	"strings"
)

// Phrase is a text the system writes (a compliance finding's message)
// kept as what it says rather than in one language, so that a page
// writes it in its reader's: a kind of sentence with its values, each
// value a phrase in turn. A phrase is one of
//   - a value shown as it is (Value: a code, a name, a date);
//   - a number with a decimal part (Decimal, "12.5"), written with the
//     reader's decimal mark;
//   - a sentence (Kind, the key of its text, and Args, its values in order);
//   - a list (no Kind, Args its items, joined by "; ").
type Phrase struct {
	Kind    string   `json:"k,omitempty"`
	Args    []Phrase `json:"a,omitempty"`
	Value   string   `json:"v,omitempty"`
	Decimal string   `json:"d,omitempty"`
}

// Say is the sentence kind with its values: each a string (shown as it
// is), an int, a Phrase or a list of phrases.
func Say(kind string, args ...any) Phrase {
	p := Phrase{Kind: kind, Args: make([]Phrase, len(args))}
	for i, a := range args {
		switch a := a.(type) {
		case string:
			p.Args[i] = Phrase{Value: a}
		case int:
			p.Args[i] = Phrase{Value: Count(a)}
		case Phrase:
			p.Args[i] = a
		case []Phrase:
			p.Args[i] = Phrase{Args: a}
		default:
			panic(fmt.Sprintf("qms.Say(%s): value %d is a %T", kind, i, a))
		}
	}
	return p
}

// DecimalPhrase is a number written with the reader's decimal mark.
func DecimalPhrase(s string) Phrase { return Phrase{Decimal: s} }

// Wording is one language's way of writing phrases: the text of each
// kind (fmt format, %s for each value) and the decimal mark.
type Wording struct {
	Text        func(kind string) (string, bool)
	DecimalMark string
}

// Vietnamese writes phrases with the domain's own texts.
var Vietnamese = Wording{Text: PhraseText, DecimalMark: ","}

// In writes p in w. A kind w does not know falls back to the Vietnamese
// text, so that nothing recorded is ever shown blank.
func (p Phrase) In(w Wording) string {
	switch {
	case p.Decimal != "":
		return strings.Replace(p.Decimal, ".", w.DecimalMark, 1)
	case p.Kind == "" && p.Args == nil:
		return p.Value
	case p.Kind == "":
		items := make([]string, len(p.Args))
		for i, a := range p.Args {
			items[i] = a.In(w)
		}
		return strings.Join(items, "; ")
	}
	text, ok := w.Text(p.Kind)
	if !ok {
		if text, ok = PhraseText(p.Kind); !ok {
			return p.Kind
		}
	}
	vals := make([]any, len(p.Args))
	for i, a := range p.Args {
		vals[i] = a.In(w)
	}
	return fmt.Sprintf(text, vals...)
}

// String is p in Vietnamese, the text kept beside it.
func (p Phrase) String() string { return p.In(Vietnamese) }

// Kinds lists the sentence kinds p uses, itself first.
func (p Phrase) Kinds() []string {
	var out []string
	if p.Kind != "" {
		out = append(out, p.Kind)
	}
	for _, a := range p.Args {
		out = append(out, a.Kinds()...)
	}
	return out
}
