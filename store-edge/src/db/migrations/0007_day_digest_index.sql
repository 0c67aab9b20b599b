-- The day digest (digest/day-digest.ts) reads one business day's sales and returns; without
-- these it would read the whole history on every run, holding the JS thread the lanes sell on.
CREATE INDEX sales_business_day ON sales(business_day, training);
CREATE INDEX returns_business_day ON returns(json_extract(data, '$.businessDay'));
