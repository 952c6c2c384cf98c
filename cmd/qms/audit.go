package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"isodt/qms"
)

// cmdAuditVerify recomputes the hash chain, finds each signed checkpoint
// in it and compares the security-relevant rows with the trail: "ok N
// entries" and exit 0, or what is wrong and exit 1. Checkpoints are read
// from --checkpoints (default: the checkpoint file beside the database,
// when there is one) and checked with --pubkey (default: the signing
// key's .pub).
func cmdAuditVerify(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "audit verify")
	file := fs.String("checkpoints", "", "tệp điểm ký cần đối chiếu (mặc định: QMS_CHECKPOINTS hoặc tệp .checkpoints cạnh cơ sở dữ liệu, nếu có)")
	pubPath := fs.String("pubkey", "", "khóa công khai kiểm tra chữ ký các điểm ký (mặc định: tệp .pub của khóa ký)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	signed, used, err := signedCheckpoints(*dbPath, *file, *pubPath)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.VerifyAuditTrail(ctx, signed)
	if err != nil {
		return verifyFailure(e, err)
	}
	fmt.Fprintf(e.stdout, "ok %d entries\n", v.Entries)
	if used != "" {
		fmt.Fprintf(e.stdout, "ok %d signed checkpoints found in the chain (%s)\n", v.Checkpoints, used)
	}
	return nil
}

// signedCheckpoints reads the checkpoints verify checks and the file they
// came from. Files named on the command line must exist; the defaults
// are used when present, and then their public key must be too. Once a
// signing key exists (the key or its .pub at the default place, or
// --pubkey), there must be at least one signed checkpoint: the key is
// created together with the first one, so none means they were removed
// (errNoCheckpoints, exit 1). Without any key, checkpoints were never
// signed and the chain alone is verified.
func signedCheckpoints(dbPath, file, pubPath string) ([]qms.Checkpoint, string, error) {
	cf := &checkpointFlags{key: os.Getenv("QMS_CHECKPOINT_KEY"), file: os.Getenv("QMS_CHECKPOINTS")}
	if file != "" {
		cf.file = file
	}
	keyPath, path := cf.paths(dbPath)
	keyed := pubPath != "" || exists(keyPath) || exists(keyPath+".pub")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		switch {
		case file != "":
			return nil, "", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp điểm ký %q.", path)
		case keyed:
			return nil, "", errNoCheckpoints(cmp.Or(pubPath, keyPath+".pub"), path)
		}
		return nil, "", nil
	} else if err != nil {
		return nil, "", err
	}
	if pubPath == "" {
		pubPath = keyPath + ".pub"
	}
	pub, err := loadPublicKey(pubPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", qms.Errorf(qms.EINTERNAL, "Không tìm thấy khóa công khai %q để kiểm tra chữ ký các điểm ký trong %q.", pubPath, path)
	} else if err != nil {
		return nil, "", err
	}
	signed, err := readCheckpoints(path, pub)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp điểm ký %q.", path)
	case err == nil && len(signed) == 0:
		return nil, "", errNoCheckpoints(pubPath, path)
	}
	return signed, path, err
}

// exists reports whether a file is at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// verifyFailure prints what a verification found, one line each on
// stdout, and returns the error that makes the command exit 1.
func verifyFailure(e *env, err error) error {
	var br *qms.ChainBreak
	var rt *qms.RowsTampered
	switch {
	case errors.As(err, &br):
		fmt.Fprintln(e.stdout, br.Error())
		return qms.Errorf(qms.EINTERNAL, "nhật ký hệ thống đã bị sửa hoặc xóa: mục %d là mục hỏng đầu tiên", br.EntryID)
	case errors.As(err, &rt):
		names := make([]string, len(rt.Rows))
		for i, c := range rt.Rows {
			fmt.Fprintln(e.stdout, c.String())
			names[i] = c.Table + " " + c.Key
		}
		return qms.Errorf(qms.EINTERNAL, "%d dòng dữ liệu phân quyền bị ghi ngoài ứng dụng, không khớp nhật ký: %s", len(rt.Rows), strings.Join(names, "; "))
	}
	return err
}

func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "backup")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	dest := fs.Arg(0)
	// On PostgreSQL the copy is pg_dump's (postgres.DB.Backup says so
	// when the machine lacks it).
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dest); err != nil {
		return err
	}
	st, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok backup written to %s (%d bytes)\n", dest, st.Size())
	return nil
}
