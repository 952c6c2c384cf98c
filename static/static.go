// Package static holds the CSS, JavaScript and images of the UI, embedded
// so the binary serves them itself (never from the internet).
package static

import "embed"

// FS is served under /static/.
//
//go:embed *.css *.js *.svg fonts
var FS embed.FS
