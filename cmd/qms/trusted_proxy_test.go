package main

import (
	"slices"
	"strings"
	"testing"
)

// TestTrustedProxyFlag: --trusted-proxy takes addresses and CIDR ranges,
// comma-separated; anything else stops the start with exit 2, naming the
// flag, rather than trusting less (or more) than meant.
func TestTrustedProxyFlag(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"10.0.0.5", []string{"10.0.0.5"}, false},
		{" 10.0.0.5 , 192.168.1.0/24,::1 ", []string{"10.0.0.5", "192.168.1.0/24", "::1"}, false},
		{"10.0.0.5,,", []string{"10.0.0.5"}, false},
		{"nginx", nil, true},
		{"10.0.0.0/33", nil, true},
		{"10.0.0.5;10.0.0.6", nil, true},
	}
	for _, tt := range tests {
		got, err := parseTrustedProxies(tt.in)
		if (err != nil) != tt.bad || !slices.Equal(got, tt.want) {
			t.Errorf("parseTrustedProxies(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
	c := newCLI(t)
	if code, _, errText := c.run("", "serve", "--addr", "127.0.0.1:0", "--trusted-proxy", "nginx"); code != 2 || !strings.Contains(errText, "--trusted-proxy") {
		t.Fatalf("serve --trusted-proxy nginx: exit %d, %s", code, errText)
	}
}
