package web_test

import (
	"context"
	"strings"
	"testing"

	"isodt/qms"
)

// TestAgencyMerge1PublicPagesOfMergedAgency (outsider finding): a merged
// agency's public page says where it went, and its feedback page sends
// the citizen to the successor instead of offering a form that can never
// be sent; the successor's own pages are unchanged.
func TestAgencyMerge1PublicPagesOfMergedAgency(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	for _, path := range []string{"/public/A", "/public/A/feedback"} {
		if body := bodyOf(t, a.do("GET", path, nil, nil)); strings.Contains(body, "merged") || !strings.Contains(body, `id="feedback-form"`) {
			t.Fatalf("%s before the merger: merged notice or no form", path)
		}
	}
	if _, err := a.db.MergeAgencies(sys, qms.MergePlan{Into: "B", From: []string{"A"}}, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, notice, link string }{
		{"/public/A", `id="public-merged"`, `href="/public/B"`},
		{"/public/A/feedback", `id="feedback-merged"`, `href="/public/B/feedback"`},
	} {
		body := bodyOf(t, a.do("GET", tc.path, nil, nil))
		if !strings.Contains(body, tc.notice) || !strings.Contains(body, tc.link) || strings.Contains(body, `id="feedback-form"`) {
			t.Errorf("%s after the merger: want the notice and the link to B, no feedback form", tc.path)
		}
	}
	if body := bodyOf(t, a.do("GET", "/public/B/feedback", nil, nil)); !strings.Contains(body, `id="feedback-form"`) || strings.Contains(body, "feedback-merged") {
		t.Error("the successor lost its feedback form")
	}
}
