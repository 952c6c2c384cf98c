// Package static holds the CSS, JavaScript and images of the UI, embedded
// so the binary serves them itself (never from the internet).
//
// vendor/bpmn-js is bpmn-js 18.31.1 from npm (dist/bpmn-modeler.production.min.js
// and dist/assets), unchanged, with its LICENSE: the bpmn.io licence asks
// that the watermark the modeler draws stays visible, so no page hides it.
package static

import "embed"

// FS is served under /static/.
//
//go:embed *.css *.js *.svg vendor fonts
var FS embed.FS
