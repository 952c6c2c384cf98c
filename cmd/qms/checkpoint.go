package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"isodt/qms"
)

// Signed checkpoints: whoever can write the database file can rewrite
// the audit chain and re-hash it, but cannot sign with a key that is not
// in the database. The nightly audit-verify job (and `qms audit
// checkpoint`) verifies the trail, then signs its head with an Ed25519
// key kept in its own file and appends the signature to a checkpoint
// file, also outside the database. `qms audit verify` then fails when a
// signed head is no longer in the chain.

// checkpointFlags name the signing key and the checkpoint file; empty
// means the default beside the database (data/qms.db →
// data/qms.checkpoint.key, data/qms.checkpoints).
type checkpointFlags struct {
	key, file string
	fs        *flag.FlagSet // its --db names the database
}

func addCheckpointFlags(fs *flag.FlagSet) *checkpointFlags {
	cf := &checkpointFlags{fs: fs}
	fs.StringVar(&cf.key, "checkpoint-key", os.Getenv("QMS_CHECKPOINT_KEY"), "tệp khóa ký Ed25519 của điểm ký nhật ký, ngoài cơ sở dữ liệu (mặc định: cạnh cơ sở dữ liệu, .checkpoint.key; tạo ở lần dùng đầu, quyền 0600)")
	fs.StringVar(&cf.file, "checkpoints", os.Getenv("QMS_CHECKPOINTS"), "tệp ghi các điểm ký của nhật ký, mỗi dòng một điểm (mặc định: cạnh cơ sở dữ liệu, .checkpoints)")
	return cf
}

// paths resolves the defaults against the --db value: beside a SQLite
// file; for a PostgreSQL database, which has no path, data/postgres-NAME
// after the URL's database name (never its password), on each server
// that signs (give them a shared folder, or one signer).
func (cf *checkpointFlags) paths(dbValue string) (key, file string) {
	base := strings.TrimSuffix(dbValue, filepath.Ext(dbValue))
	if cfg, err := parseDB(dbValue); err == nil && cfg.Kind == dbPostgres {
		base = filepath.Join("data", "postgres-"+databaseName(cfg.URL))
	} else if err == nil {
		base = strings.TrimSuffix(cfg.Path, filepath.Ext(cfg.Path))
	}
	key, file = cf.key, cf.file
	if key == "" {
		key = base + ".checkpoint.key"
	}
	if file == "" {
		file = base + ".checkpoints"
	}
	return key, file
}

// checkpoint verifies the trail against the checkpoints signed so far,
// then signs the verified head and appends it to the checkpoint file.
// Nothing is signed when the verification fails.
//
// The key is created only together with the first checkpoint, after the
// trail verified: so a key with no checkpoint signed means the
// checkpoints were removed, and signing afresh would bless whatever the
// trail now holds. That is refused (errNoCheckpoints) as verify refuses it.
func (cf *checkpointFlags) checkpoint(ctx context.Context, db store) (qms.Checkpoint, qms.AuditVerification, error) {
	keyPath, file := cf.paths(cf.dbValue(db))
	key, err := loadKey(keyPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return qms.Checkpoint{}, qms.AuditVerification{}, err
	}
	var signed []qms.Checkpoint
	if key != nil {
		signed, err = readCheckpoints(file, key.Public().(ed25519.PublicKey))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return qms.Checkpoint{}, qms.AuditVerification{}, err
		}
		if len(signed) == 0 {
			return qms.Checkpoint{}, qms.AuditVerification{}, errNoCheckpoints(keyPath, file)
		}
	}
	v, err := db.VerifyAuditTrail(ctx, signed)
	if err != nil {
		return qms.Checkpoint{}, v, err
	}
	if key == nil {
		if key, err = createKey(keyPath); err != nil {
			return qms.Checkpoint{}, v, err
		}
	}
	c := qms.SignCheckpoint(key, v.HeadID, v.HeadHash, time.Now())
	if err := appendCheckpoint(file, c); err != nil {
		return qms.Checkpoint{}, v, err
	}
	return c, v, nil
}

// errNoCheckpoints refuses a signing key (or its public half, named by
// key) with no signed checkpoint in file: the key is created together
// with the first checkpoint, so the checkpoints were deleted or emptied.
func errNoCheckpoints(key, file string) error {
	return qms.Errorf(qms.EINTERNAL, "có khóa điểm ký %s nhưng không có điểm ký nào trong %s (tệp bị xóa hoặc rỗng): khóa chỉ được tạo cùng điểm ký đầu tiên, nên các điểm ký đã bị gỡ bỏ. "+
		"Khôi phục tệp điểm ký từ bản sao lưu; nếu chủ ý bắt đầu lại, chuyển khóa cũ (và tệp .pub) đi nơi khác rồi chạy \"qms audit checkpoint\".", key, file)
}

// loadKey reads the private key at path (an error wrapping
// fs.ErrNotExist when there is none). A key that others may read is
// refused: it would sign for anyone.
func loadKey(path string) (ed25519.PrivateKey, error) {
	if st, err := os.Stat(path); err == nil {
		if st.Mode().Perm()&0o077 != 0 {
			return nil, qms.Errorf(qms.EINVALID, "Tệp khóa ký %s cho người khác đọc được (quyền %o): đặt quyền 0600.", path, st.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "PRIVATE KEY" {
			return nil, qms.Errorf(qms.EINVALID, "Tệp khóa ký %s không phải khóa PEM \"PRIVATE KEY\".", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if key, ok := k.(ed25519.PrivateKey); err == nil && ok {
			return key, nil
		}
		return nil, qms.Errorf(qms.EINVALID, "Tệp khóa ký %s không chứa khóa Ed25519.", path)
	} else {
		return nil, err
	}
}

// createKey creates the private key at path (mode 0600, the public key
// beside it as path.pub).
func createKey(path string) (ed25519.PrivateKey, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	// The public key first: a key without it could not be checked.
	if err := writeNew(path+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		return nil, err
	}
	if err := writeNew(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return key, nil
}

// writeNew writes a file that must not exist yet, with exactly perm.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil { // whatever the umask
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// loadPublicKey reads a PEM "PUBLIC KEY" file holding an Ed25519 key.
func loadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if blk, _ := pem.Decode(b); blk != nil && blk.Type == "PUBLIC KEY" {
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if pub, ok := k.(ed25519.PublicKey); err == nil && ok {
			return pub, nil
		}
	}
	return nil, qms.Errorf(qms.EINVALID, "Tệp %s không phải khóa công khai Ed25519 (PEM \"PUBLIC KEY\").", path)
}

// readCheckpoints reads the checkpoint file and checks every signature.
func readCheckpoints(path string, pub ed25519.PublicKey) ([]qms.Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cs, err := qms.ParseCheckpoints(b, pub)
	if err != nil {
		return nil, qms.Errorf(qms.ErrorCode(err), "%s: %s", path, qms.ErrorMessage(err))
	}
	return cs, nil
}

// appendCheckpoint adds one line; a line is written by one write call, so
// two processes appending at once do not interleave.
func appendCheckpoint(path string, c qms.Checkpoint) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(c.MarshalLine()); err != nil {
		f.Close()
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// cmdAuditCheckpoint verifies the trail and signs its head.
func cmdAuditCheckpoint(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "audit checkpoint")
	cf := addCheckpointFlags(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openStore(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	c, v, err := cf.checkpoint(ctx, db)
	if err != nil {
		return verifyFailure(e, err)
	}
	_, file := cf.paths(*dbPath)
	fmt.Fprintf(e.stdout, "ok %d entries, %d signed checkpoints found\n", v.Entries, v.Checkpoints)
	fmt.Fprintf(e.stdout, "ok checkpoint %s appended to %s\n", c.String(), file)
	return nil
}

// dbValue is the --db value of the command, or the store's path.
func (cf *checkpointFlags) dbValue(db store) string {
	if cf.fs != nil && cf.fs.Lookup("db") != nil {
		if f, ok := cf.fs.Lookup("db").Value.(*dbFlag); ok && f.path != nil && *f.path != "" {
			return *f.path
		}
	}
	return db.Path()
}

// databaseName is the database a PostgreSQL URL names, as a file name.
func databaseName(pgURL string) string {
	name := "postgres"
	if u, err := url.Parse(pgURL); err == nil && strings.Trim(u.Path, "/") != "" {
		name = strings.Trim(u.Path, "/")
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, name)
}
