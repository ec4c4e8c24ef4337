-- A checkout snapshot whose Stripe Checkout Session expired (replaced by a newer checkout, or abandoned).
ALTER TYPE "DraftStatus" ADD VALUE 'EXPIRED';
