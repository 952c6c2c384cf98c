package msg_test

import (
	"fmt"
	"testing"

	"isodt/qms/msg"
)

func ExampleJoin() {
	t := msg.New("Lưu đồ có %d bước bắt đầu (%s).", 2, msg.Join(", ", msg.New("“%s” (%s)", "Tiếp nhận", "s"), "s2"))
	fmt.Println(t)
	// Output: Lưu đồ có 2 bước bắt đầu (“Tiếp nhận” (s), s2).
}

// TestJoinSeparator: a separator with a percent sign is written as it is.
func TestJoinSeparator(t *testing.T) {
	j := msg.Join(" 100% ", "a", "b")
	if got := j.String(); got != "a 100% b" {
		t.Errorf("got %q", got)
	}
	if f, args := j.Formatted(); f != "%s 100%% %s" || len(args) != 2 {
		t.Errorf("Formatted: %q %v", f, args)
	}
}
