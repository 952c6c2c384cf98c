package web

import (
	"testing"

	"isodt/qms"
)

// TestJSONMemberTwice: a member named twice in one object is refused by
// the path the form check names members by; the same name in two
// objects, or in the objects of an array, is no repeat.
func TestJSONMemberTwice(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"none", `{"tthc_code":"1.001","applicant":{"name":"A","phone":"1"},"files":[{"name":"a"},{"name":"b"}]}`, ""},
		{"top level", `{"tthc_code":"1.001","channel":"counter","tthc_code":"9.999"}`, "tthc_code"},
		{"nested", `{"applicant":{"name":"A","name":"B"}}`, "applicant.name"},
		{"in an array's object", `{"steps":[{"id":1},{"id":2,"note":"x","id":3}]}`, "steps.id"},
		{"after a nested object", `{"a":{"b":{"c":1}},"d":[1,[2,{"e":1}]],"a":2}`, "a"},
		{"the same name at two depths", `{"name":"A","applicant":{"name":"B"}}`, ""},
		{"not an object", `["a","a"]`, ""},
		{"escaped the same", `{"a\u0062":1,"ab":2}`, "ab"},
		// encoding/json fills a field from a member of any case.
		{"another case", `{"username":"x","role":"staff","Role":"admin"}`, "Role"},
		{"folded by Unicode", `{"password":"sai","pa\u017f\u017fword":"dung"}`, "paſſword"},
		{"another case, nested", `{"applicant":{"name":"An","NAME":"Bình"}}`, "applicant.NAME"},
		{"Kelvin sign", `{"kind":1,"\u212aind":2}`, "\u212aind"},
	} {
		_, err := walkJSON([]byte(tt.body))
		if got := qms.ErrorField(err); got != tt.want || (tt.want == "") != (err == nil) {
			t.Errorf("%s: %v, want a refusal of %q", tt.name, err, tt.want)
		}
	}
}
