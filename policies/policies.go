// Package policies holds the Casbin model and the default policy, embedded
// so that the binary alone is the deployment.
package policies

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed model.conf
var Model string

//go:embed policy.csv
var defaultCSV string

// Default returns the rows of policy.csv as (role, agency, object, action).
func Default() ([][]string, error) {
	var out [][]string
	for i, line := range strings.Split(defaultCSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if len(f) != 5 || f[0] != "p" {
			return nil, fmt.Errorf("policy.csv line %d: want \"p, role, agency, object, action\", got %q", i+1, line)
		}
		out = append(out, f[1:])
	}
	return out, nil
}
