package main

import (
	"context"
	"strings"
	"testing"
)

// TestSignature7UserAddTitle: `qms user add --title` stores the job title
// (chức vụ) the user's signatures print; a title over the limit is refused
// naming the field.
func TestSignature7UserAddTitle(t *testing.T) {
	c := newCLI(t)
	if code, _, errText := c.run("", "agency", "add", "--code", "A", "--name", "Sở A"); code != 0 {
		t.Fatal(errText)
	}
	if code, _, errText := c.run("ngua-o-123\n", "user", "add", "--username", "gd", "--name", "Lê Văn Giám", "--title", "Giám đốc Sở", "--agency", "A", "--role", "leader"); code != 0 {
		t.Fatal(errText)
	}
	db := openCLIStore(t, c)
	u, err := db.FindUserByUsername(context.Background(), "gd")
	db.Close()
	if err != nil || u.Title != "Giám đốc Sở" {
		t.Fatalf("user gd: %+v %v", u, err)
	}
	long := strings.Repeat("Giám đốc ", 40)
	if code, _, errText := c.run("ngua-o-123\n", "user", "add", "--username", "gd2", "--title", long, "--agency", "A", "--role", "leader"); code == 0 || !strings.Contains(errText, "Chức vụ") {
		t.Fatalf("over-long title: %d %q", code, errText)
	}
}
