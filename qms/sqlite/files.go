package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-sqlite3"

	"isodt/qms"
)

// The database and its backups hold every record, password hash and
// token hash of the province: they are made readable by their owner only
// (0600), whatever the umask, in a folder closed to other users (0750).
// SQLite gives the -wal and -shm files the mode of the database file, so
// creating that file 0600 ourselves covers them too. A file that already
// exists keeps the mode its operator gave it.
const (
	fileMode   = 0o600
	folderMode = 0o750
)

// prepareFile makes the folder of the database and, for a new database,
// the empty file itself, and checks that the folder takes new files (the
// -wal and -shm files live next to the database). Each failure says in
// Vietnamese what is wrong with the path rather than SQLite's "unable to
// open database file".
func prepareFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, folderMode); err != nil {
		return unwritable("db", dir, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return unwritable("db", dir, err)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return qms.FieldError("db", "Đường dẫn cơ sở dữ liệu %q là một thư mục, không phải tệp.", path)
	}
	probe, err := os.CreateTemp(dir, ".qms-write-check-*")
	if err != nil {
		return unwritable("db", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// existingFile checks that the database file is there, creating nothing.
func existingFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return qms.FieldErrorf(qms.ENOTFOUND, "db", "Không tìm thấy cơ sở dữ liệu %s.", path)
	case err != nil:
		return unwritable("db", filepath.Dir(path), err)
	case st.IsDir():
		return qms.FieldError("db", "Đường dẫn cơ sở dữ liệu %q là một thư mục, không phải tệp.", path)
	}
	return nil
}

// createExclusive creates the empty file a backup is written into, 0600,
// refusing to reuse an existing file.
func createExclusive(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return qms.Errorf(qms.ECONFLICT, "Tệp %q đã tồn tại: bản sao lưu không ghi đè tệp khác.", path)
	} else if err != nil {
		return unwritable("backup", filepath.Dir(path), err)
	}
	return f.Close()
}

// unwritable names why dir cannot hold the database's files (field "db")
// or a backup (field "backup").
func unwritable(field, dir string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		return qms.FieldError(field, "Không tạo được thư mục %q: một phần của đường dẫn là tệp, không phải thư mục.", dir)
	case errors.Is(err, syscall.EROFS):
		return qms.FieldError(field, "Không ghi được vào thư mục %q (chỉ đọc): hệ thống tệp được gắn ở chế độ chỉ đọc; hãy chọn thư mục khác.", dir)
	case errors.Is(err, fs.ErrPermission):
		return qms.FieldError(field, "Không ghi được vào thư mục %q (chỉ đọc): tài khoản chạy qms không có quyền ghi; hãy cấp quyền hoặc chọn thư mục khác.", dir)
	}
	return fmt.Errorf("prepare folder %s: %w", dir, err)
}

// openError explains SQLite's refusals to open or write the file, which
// come from the file itself (read-only, not a database) rather than its
// folder.
func openError(path string, err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrCantOpen:
		return qms.FieldError("db", "Không ghi được vào cơ sở dữ liệu %q (chỉ đọc): kiểm tra quyền ghi của tệp và thư mục chứa nó.", path)
	case sqlite3.ErrNotADB:
		return qms.FieldError("db", "Tệp %q không phải cơ sở dữ liệu SQLite.", path)
	}
	return err
}
