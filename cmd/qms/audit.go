package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"isodt/qms"
)

// cmdAuditVerify recomputes the hash chain: "ok N entries" and exit 0, or
// the first broken entry and exit 1.
func cmdAuditVerify(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "audit verify")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.VerifyAuditChain(ctx)
	var br *qms.ChainBreak
	if errors.As(err, &br) {
		fmt.Fprintln(e.stdout, br.Error())
		return qms.Errorf(qms.EINTERNAL, "nhật ký hệ thống đã bị sửa hoặc xóa: mục %d là mục hỏng đầu tiên", br.EntryID)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d entries\n", n)
	return nil
}

func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "backup")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	dest := fs.Arg(0)
	if _, err := os.Stat(*dbPath); err != nil {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy cơ sở dữ liệu %q.", *dbPath)
	}
	db, err := openStore(ctx, e, *dbPath)
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
