package qms

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Checkpoint is a signed statement that the audit chain's head was entry
// ID with hash Hash at time At. Whoever can write the database file can
// re-hash the whole chain; they cannot sign with a key kept outside it,
// so a checkpoint whose entry is gone or has another hash shows that the
// trail was rewritten.
type Checkpoint struct {
	ID   int64     `json:"id"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	Sig  []byte    `json:"sig"`
}

// checkpointDomain separates these signatures from any other use of the key.
const checkpointDomain = "isodt audit checkpoint v1"

func (c *Checkpoint) message() []byte {
	return []byte(strings.Join([]string{checkpointDomain, strconv.FormatInt(c.ID, 10), c.Hash, c.At.UTC().Format(time.RFC3339Nano)}, "\n"))
}

// SignCheckpoint signs the head (id, hash) as of at.
func SignCheckpoint(key ed25519.PrivateKey, id int64, hash string, at time.Time) Checkpoint {
	c := Checkpoint{ID: id, Hash: hash, At: at.UTC()}
	c.Sig = ed25519.Sign(key, c.message())
	return c
}

// Verify reports whether the checkpoint was signed by pub's key.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, c.message(), c.Sig)
}

// MarshalLine is the checkpoint as one line of a checkpoint file.
func (c *Checkpoint) MarshalLine() []byte {
	b, _ := json.Marshal(c)
	return append(b, '\n')
}

// ParseCheckpoints reads a checkpoint file, one JSON object a line, and
// checks every signature with pub. It fails naming the first line that
// does not parse or whose signature is not pub's.
func ParseCheckpoints(data []byte, pub ed25519.PublicKey) ([]Checkpoint, error) {
	var out []Checkpoint
	for i, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c Checkpoint
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, Errorf(EINTERNAL, "Tệp điểm ký, dòng %d: không đọc được (%v).", i+1, err)
		}
		if !c.Verify(pub) {
			return nil, Errorf(EINTERNAL, "Tệp điểm ký, dòng %d (mục %d): chữ ký không hợp lệ với khóa công khai đã cho.", i+1, c.ID)
		}
		out = append(out, c)
	}
	return out, nil
}

// String describes the checkpoint for a log or a terminal.
func (c *Checkpoint) String() string {
	return fmt.Sprintf("entry %d hash %s signed at %s", c.ID, c.Hash, c.At.Format(time.RFC3339))
}
