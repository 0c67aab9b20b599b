-- The lane view looks up a cart's unanswered wallet payments on every change.
CREATE INDEX payments_cart ON payments(cart_id, status);
