package sqlite_test

const checkSchema = `{"fields":[{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},{"name":"ghi_chu","label":"Ghi chú","type":"text"}]}`
