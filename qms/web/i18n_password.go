package web

// Changing one's own password (password_self.go).
var passwordTexts = []pageText{
	{"password.title", "Đổi mật khẩu", "Change password"},
	{"password.required", "Mật khẩu của bạn do quản trị viên đặt nên chỉ dùng tạm: đặt mật khẩu mới của riêng bạn trước khi tiếp tục làm việc hay ký.", "Your password was set by an administrator and is temporary: choose your own new password before you go on working or signing."},
	{"password.intro", "Mật khẩu này dùng để đăng nhập và để ký. Sau khi đổi, mọi phiên đăng nhập và mã truy cập API của tài khoản hết hiệu lực; bạn đăng nhập lại bằng mật khẩu mới.", "This password signs you in and signs documents. Once it is changed, every session and API token of the account ends; sign in again with the new password."},
	{"password.current", "Mật khẩu hiện tại", "Current password"},
	{"password.new", "Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"},
	{"password.confirm", "Nhập lại mật khẩu mới", "New password again"},
	{"password.submit", "Đổi mật khẩu", "Change password"},
	{"password.back", "Về trang chủ", "Back to the home page"},
	{"nav.change_password", "Đổi mật khẩu", "Change password"},
	{"user.signer_password", "Tài khoản này có vai trò ký điện tử (lãnh đạo, cán bộ ISO hoặc đánh giá viên): chỉ quản trị viên hệ thống (SYS) đặt lại mật khẩu và sửa họ tên, chức vụ, thư điện tử (những gì chữ ký in ra), để không ai ngoài người dùng biết mật khẩu dùng để ký. Người dùng quên mật khẩu thì đề nghị quản trị viên hệ thống.", "This account signs (leader, quality officer or auditor): only the system administrator (SYS) resets its password and edits its full name, title and email (what a signature prints), so that no one but its user knows the password that signs. A user who forgot it asks the system administrator."},
	{"user.signer_roles", "Vai trò lãnh đạo, cán bộ ISO và đánh giá viên có chữ ký điện tử: chỉ quản trị viên hệ thống (SYS) cấp các vai trò này.", "The leader, quality officer and auditor roles sign records: only the system administrator (SYS) grants them."},
	{"flash.password_changed", "Đã đổi mật khẩu. Đăng nhập lại bằng mật khẩu mới.", "Password changed. Sign in again with the new password."},
}

func init() { addPageTexts(dictionaries, passwordTexts) }
