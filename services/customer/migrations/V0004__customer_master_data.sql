-- Customer master data (R1), cities (R3) and dictionaries (R4).

-- Main cities of the five regions with their telephone area codes. Area codes
-- are prefix-free (no code starts another), so a customer code
-- letter + area code + sequence reads back unambiguously.
CREATE TABLE cities (
  id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  region_code VARCHAR(32) NOT NULL,
  name        VARCHAR(64) NOT NULL,
  province    VARCHAR(64) NOT NULL DEFAULT '',
  area_code   VARCHAR(8)  NOT NULL,
  sort_order  INT         NOT NULL DEFAULT 0,
  UNIQUE KEY cities_region_name (region_code, name),
  KEY cities_area_code (area_code),
  CONSTRAINT cities_region_fk FOREIGN KEY (region_code) REFERENCES regions (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO cities (region_code, name, province, area_code, sort_order) VALUES
  ('east', '上海', '上海', '021', 1), ('east', '南京', '江苏', '025', 2),
  ('east', '苏州', '江苏', '0512', 3), ('east', '杭州', '浙江', '0571', 4),
  ('east', '宁波', '浙江', '0574', 5), ('east', '合肥', '安徽', '0551', 6),
  ('east', '济南', '山东', '0531', 7), ('east', '青岛', '山东', '0532', 8),
  ('east', '福州', '福建', '0591', 9), ('east', '厦门', '福建', '0592', 10),
  ('east', '南昌', '江西', '0791', 11),
  ('north', '北京', '北京', '010', 1), ('north', '天津', '天津', '022', 2),
  ('north', '石家庄', '河北', '0311', 3), ('north', '太原', '山西', '0351', 4),
  ('north', '呼和浩特', '内蒙古', '0471', 5), ('north', '郑州', '河南', '0371', 6),
  ('northeast', '沈阳', '辽宁', '024', 1), ('northeast', '大连', '辽宁', '0411', 2),
  ('northeast', '长春', '吉林', '0431', 3), ('northeast', '哈尔滨', '黑龙江', '0451', 4),
  ('northwest', '西安', '陕西', '029', 1), ('northwest', '兰州', '甘肃', '0931', 2),
  ('northwest', '西宁', '青海', '0971', 3), ('northwest', '银川', '宁夏', '0951', 4),
  ('northwest', '乌鲁木齐', '新疆', '0991', 5),
  ('south', '广州', '广东', '020', 1), ('south', '深圳', '广东', '0755', 2),
  ('south', '珠海', '广东', '0756', 3), ('south', '汕头', '广东', '0754', 4),
  ('south', '南宁', '广西', '0771', 5), ('south', '海口', '海南', '0898', 6),
  ('south', '武汉', '湖北', '027', 7), ('south', '长沙', '湖南', '0731', 8);

-- kind holds crm.customer.v1.DictionaryKind; code is what records store.
CREATE TABLE dictionary_entries (
  kind       TINYINT     NOT NULL,
  code       VARCHAR(32) NOT NULL,
  name       VARCHAR(64) NOT NULL,
  retired    TINYINT     NOT NULL DEFAULT 0,
  sort_order INT         NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO dictionary_entries (kind, code, name, sort_order) VALUES
  (1, 'buyer', '购买者', 1), (1, 'competitor', '竞争对手', 2), (1, 'partner', '合作伙伴', 3),
  (1, 'supplier', '供应商', 4),
  (2, 'initial', '初步接触', 1), (2, 'needs', '需求确认', 2), (2, 'proposal', '方案报价', 3),
  (2, 'negotiation', '商务谈判', 4), (2, 'won', '成交', 5), (2, 'lost', '流失', 6),
  (3, 'vip', 'VIP客户', 1), (3, 'key', '重点客户', 2), (3, 'normal', '普通客户', 3),
  (3, 'small', '小客户', 4),
  (4, 'referral', '客户介绍', 1), (4, 'exhibition', '展会', 2), (4, 'website', '网站', 3),
  (4, 'telemarketing', '电话营销', 4), (4, 'advertising', '广告', 5), (4, 'partner', '合作伙伴', 6),
  (4, 'other', '其他', 7),
  (5, 'manufacturing', '制造业', 1), (5, 'energy', '能源', 2), (5, 'it', '信息技术', 3),
  (5, 'finance', '金融', 4), (5, 'retail', '零售', 5), (5, 'logistics', '物流', 6),
  (5, 'construction', '建筑', 7), (5, 'healthcare', '医疗', 8), (5, 'education', '教育', 9),
  (5, 'government', '政府机关', 10), (5, 'telecom', '通信', 11), (5, 'other', '其他', 12),
  (6, 'visit', '拜访', 1), (6, 'call', '电话', 2), (6, 'meeting', '会议', 3),
  (6, 'complaint', '投诉', 4), (6, 'gift', '赠礼', 5), (6, 'anniversary', '纪念日', 6),
  (6, 'other', '其他', 7);

-- The last sequence number issued per code prefix (importance letter + area
-- code). Its row lock serialises creates of one prefix until they commit.
CREATE TABLE customer_code_counters (
  prefix     VARCHAR(16) NOT NULL PRIMARY KEY,
  last_value BIGINT      NOT NULL
) ENGINE = InnoDB;

ALTER TABLE customers
  ADD COLUMN code                 VARCHAR(24)  NULL AFTER id,
  ADD COLUMN importance           TINYINT      NOT NULL DEFAULT 2 AFTER code,
  ADD COLUMN city_id              BIGINT       NULL AFTER region_code,
  ADD COLUMN country              VARCHAR(64)  NOT NULL DEFAULT '' AFTER keywords,
  ADD COLUMN province             VARCHAR(64)  NOT NULL DEFAULT '' AFTER country,
  ADD COLUMN postcode             VARCHAR(16)  NOT NULL DEFAULT '' AFTER address,
  ADD COLUMN fax                  VARCHAR(32)  NOT NULL DEFAULT '' AFTER phone,
  ADD COLUMN website              VARCHAR(254) NOT NULL DEFAULT '' AFTER email,
  ADD COLUMN qq                   VARCHAR(32)  NOT NULL DEFAULT '' AFTER website,
  ADD COLUMN wechat               VARCHAR(64)  NOT NULL DEFAULT '' AFTER qq,
  ADD COLUMN annual_revenue_minor BIGINT       NULL AFTER wechat,
  ADD COLUMN revenue_currency     CHAR(3)      NOT NULL DEFAULT 'CNY' AFTER annual_revenue_minor,
  ADD COLUMN employee_count       INT          NOT NULL DEFAULT 0 AFTER revenue_currency,
  ADD COLUMN legal_representative VARCHAR(64)  NOT NULL DEFAULT '' AFTER employee_count,
  ADD COLUMN tax_id               VARCHAR(32)  NULL AFTER legal_representative,
  ADD COLUMN bank                 VARCHAR(128) NOT NULL DEFAULT '' AFTER tax_id,
  ADD COLUMN bank_account         VARCHAR(64)  NOT NULL DEFAULT '' AFTER bank,
  ADD COLUMN industry_code        VARCHAR(32)  NOT NULL DEFAULT '' AFTER bank_account,
  ADD COLUMN type_code            VARCHAR(32)  NOT NULL DEFAULT '' AFTER industry_code,
  ADD COLUMN stage_code           VARCHAR(32)  NOT NULL DEFAULT '' AFTER type_code,
  ADD COLUMN level_code           VARCHAR(32)  NOT NULL DEFAULT '' AFTER stage_code,
  ADD COLUMN source_code          VARCHAR(32)  NOT NULL DEFAULT '' AFTER level_code,
  ADD COLUMN credit_rating        VARCHAR(16)  NOT NULL DEFAULT '' AFTER source_code,
  ADD COLUMN joined_date          DATE         NULL AFTER credit_rating,
  ADD COLUMN last_activity_at     DATETIME(6)  NULL AFTER owner_department_path;

-- Earlier customers: the city by name, a code in the "n" series of their city.
UPDATE customers c LEFT JOIN cities t ON t.region_code = c.region_code AND t.name = c.city
   SET c.city_id = t.id,
       c.code = CONCAT('n', COALESCE(t.area_code, '000'), LPAD(c.id, 3, '0')),
       c.joined_date = DATE(c.created_at),
       c.last_activity_at = c.updated_at;
INSERT INTO customer_code_counters (prefix, last_value)
  SELECT CONCAT('n', COALESCE(t.area_code, '000')), MAX(c.id)
    FROM customers c LEFT JOIN cities t ON t.id = c.city_id
   GROUP BY CONCAT('n', COALESCE(t.area_code, '000'));

ALTER TABLE customers
  DROP COLUMN city,
  MODIFY COLUMN code VARCHAR(24) NOT NULL,
  MODIFY COLUMN joined_date DATE NOT NULL,
  MODIFY COLUMN last_activity_at DATETIME(6) NOT NULL,
  -- Duplicates (R9: same tax ID, or same name in the same city) among live
  -- customers are refused by unique keys too, so two concurrent creates
  -- cannot both get through the check in code.
  ADD COLUMN live_tax_id VARCHAR(32)
    GENERATED ALWAYS AS (IF(deleted_at IS NULL, tax_id, NULL)) STORED,
  ADD COLUMN live_name_city VARCHAR(240)
    GENERATED ALWAYS AS (IF(deleted_at IS NULL, CONCAT(name, '|', COALESCE(city_id, 0)), NULL))
    STORED,
  ADD UNIQUE KEY customers_code (code),
  ADD UNIQUE KEY customers_live_tax_id (live_tax_id),
  ADD UNIQUE KEY customers_live_name_city (live_name_city),
  ADD KEY customers_name (name, id),
  ADD KEY customers_city (city_id, id),
  ADD KEY customers_joined (joined_date, id),
  ADD KEY customers_last_activity (last_activity_at, id),
  ADD KEY customers_deleted (deleted_at),
  ADD CONSTRAINT customers_city_fk FOREIGN KEY (city_id) REFERENCES cities (id);

-- Colleagues a customer is shared with (R7): they see it, read only.
CREATE TABLE customer_shares (
  customer_id BIGINT      NOT NULL,
  employee_id BIGINT      NOT NULL,
  created_at  DATETIME(6) NOT NULL,
  PRIMARY KEY (customer_id, employee_id),
  KEY customer_shares_employee (employee_id, customer_id)
) ENGINE = InnoDB;
