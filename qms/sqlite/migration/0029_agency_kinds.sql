-- Agency kinds of the two-level local government (issue #16 item 2):
-- ubnd_tinh, so_nganh, ubnd_xa, truc_thuoc, and the former district
-- kinds ubnd_huyen, phong_huyen kept for history (qms.AgencyKinds; the
-- domain refuses new agencies of those). Existing agencies get the kind
-- their name says, else so_nganh (most tenants are departments). LIKE is
-- case-insensitive for ASCII only, so both spellings of "Ủy ban" are
-- listed.
ALTER TABLE agencies ADD COLUMN kind TEXT NOT NULL DEFAULT 'so_nganh';
UPDATE agencies SET kind = CASE
	WHEN name LIKE 'UBND tỉnh%' OR name LIKE 'Ủy ban nhân dân tỉnh%' OR name LIKE 'Uỷ ban nhân dân tỉnh%'
		OR name LIKE 'UBND thành phố Hà Nội%' OR name LIKE 'UBND thành phố Hồ Chí Minh%' THEN 'ubnd_tinh'
	WHEN name LIKE 'UBND xã%' OR name LIKE 'UBND phường%' OR name LIKE 'UBND đặc khu%' OR name LIKE 'UBND thị trấn%'
		OR name LIKE 'Ủy ban nhân dân xã%' OR name LIKE 'Ủy ban nhân dân phường%' OR name LIKE 'Uỷ ban nhân dân xã%' OR name LIKE 'Uỷ ban nhân dân phường%' THEN 'ubnd_xa'
	WHEN name LIKE 'UBND huyện%' OR name LIKE 'UBND quận%' OR name LIKE 'UBND thị xã%' OR name LIKE 'UBND thành phố%'
		OR name LIKE 'Ủy ban nhân dân huyện%' OR name LIKE 'Ủy ban nhân dân quận%' OR name LIKE 'Uỷ ban nhân dân huyện%' THEN 'ubnd_huyen'
	WHEN name LIKE 'Phòng %' AND parent_code IN (SELECT code FROM agencies WHERE name LIKE 'UBND huyện%' OR name LIKE 'UBND quận%' OR name LIKE 'UBND thị xã%') THEN 'phong_huyen'
	WHEN parent_code IS NOT NULL AND (name LIKE 'Chi cục%' OR name LIKE 'Trung tâm%' OR name LIKE 'Phòng %' OR name LIKE 'Ban quản lý%') THEN 'truc_thuoc'
	ELSE 'so_nganh' END;
