package bpmn

import (
	"fmt"
	"strings"
)

// maxListed is how many ids a warning names before it says "and N more".
const maxListed = 10

// notes collects import warnings grouped by message, in the order they
// first occur, so that a file with fifty boundary events gives one line
// naming them rather than fifty lines.
type notes struct {
	order []string
	items map[string][]string
	// counts holds, for messages added with count, how many times each
	// item was added (keyed by message and item).
	counts map[[2]string]int
}

func newNotes() *notes { return &notes{items: map[string][]string{}, counts: map[[2]string]int{}} }

// count records item under message once, counting repeats: the same
// extension on every element is listed as "signavioMetaData × 10".
func (n *notes) count(message, item string) {
	key := [2]string{message, item}
	if n.counts[key]++; n.counts[key] == 1 {
		n.add(message, item)
	}
}

// add records item (usually an element id; may be empty) under message.
func (n *notes) add(message, item string) {
	list, seen := n.items[message]
	if !seen {
		n.order = append(n.order, message)
	}
	if item != "" {
		list = append(list, item)
	}
	n.items[message] = list
}

func (n *notes) list() []string {
	var out []string
	for _, msg := range n.order {
		items := n.items[msg]
		if k := n.counts; len(k) > 0 {
			shown := make([]string, len(items))
			for i, item := range items {
				shown[i] = item
				if c := k[[2]string{msg, item}]; c > 1 {
					shown[i] = fmt.Sprintf("%s × %d", item, c)
				}
			}
			items = shown
		}
		switch {
		case len(items) == 0:
			out = append(out, msg+".")
		case len(items) <= maxListed:
			out = append(out, msg+": "+strings.Join(items, ", ")+".")
		default:
			out = append(out, fmt.Sprintf("%s: %s và %d phần tử khác.", msg, strings.Join(items[:maxListed], ", "), len(items)-maxListed))
		}
	}
	return out
}
