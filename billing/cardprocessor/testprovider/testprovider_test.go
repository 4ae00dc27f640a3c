package testprovider_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/billing/cardprocessor/testprovider"
)

func TestTokensBehaveLikeTheirNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := testprovider.New()
	req := func(token, key string) cardprocessor.ChargeRequest {
		return cardprocessor.ChargeRequest{Amount: 1250, Currency: "CAD", Token: token, IdempotencyKey: key, Description: "Invoice INV-0001"}
	}

	c, err := p.Charge(ctx, req("tok_visa", "a"))
	require.NoError(t, err)
	require.Equal(t, cardprocessor.StatusSucceeded, c.Status)
	require.NotEmpty(t, c.ProviderID)

	_, err = p.Charge(ctx, req("tok_declined", "b"))
	var d *cardprocessor.DeclinedError
	require.ErrorAs(t, err, &d)
	require.Equal(t, "card_declined", d.Code)
	_, err = p.Charge(ctx, req("tok_nonsense", "c"))
	require.ErrorIs(t, err, cardprocessor.ErrInvalidToken)

	// A key charges once, and answers the same, decline included.
	again, err := p.Charge(ctx, req("tok_visa", "a"))
	require.NoError(t, err)
	require.Equal(t, c, again)
	_, err = p.Charge(ctx, req("tok_declined", "b"))
	require.ErrorAs(t, err, &d)
	_, err = p.Charge(ctx, req("tok_mastercard", "a"))
	require.Error(t, err, "a key reused for another request")
	require.Len(t, p.Charges(), 2)

	// Saved cards charge like their token until deleted; declined cards are not saved.
	card, err := p.SaveCard(ctx, "tok_insufficient_funds")
	require.NoError(t, err)
	require.Equal(t, "9995", card.Last4)
	require.NotEqual(t, "tok_insufficient_funds", card.Token)
	_, err = p.Charge(ctx, req(card.Token, "d"))
	require.ErrorAs(t, err, &d)
	require.Equal(t, "insufficient_funds", d.Code)
	require.NoError(t, p.DeleteCard(ctx, card.Token))
	_, err = p.Charge(ctx, req(card.Token, "e"))
	require.ErrorIs(t, err, cardprocessor.ErrInvalidToken)
	_, err = p.SaveCard(ctx, "tok_declined")
	require.ErrorAs(t, err, &d)

	down := errors.New("down")
	p.Fail(down)
	_, err = p.Charge(ctx, req("tok_visa", "f"))
	require.ErrorIs(t, err, down)
}

// TestProcessesAnswerAlike: a card saved through one process's provider
// charges through another's (as kith's processes behind a load balancer
// each have one), and a key gives one charge ID in every process.
func TestProcessesAnswerAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := testprovider.New(), testprovider.New()
	card, err := a.SaveCard(ctx, "tok_insufficient_funds")
	require.NoError(t, err)
	_, err = b.Charge(ctx, cardprocessor.ChargeRequest{Amount: 100, Currency: "CAD", Token: card.Token, IdempotencyKey: "k1"})
	var d *cardprocessor.DeclinedError
	require.ErrorAs(t, err, &d, "charges like the token it came from")
	visa, err := a.SaveCard(ctx, "tok_visa")
	require.NoError(t, err)
	req := cardprocessor.ChargeRequest{Amount: 100, Currency: "CAD", Token: visa.Token, IdempotencyKey: "k2"}
	first, err := a.Charge(ctx, req)
	require.NoError(t, err)
	again, err := b.Charge(ctx, req)
	require.NoError(t, err)
	require.Equal(t, first.ProviderID, again.ProviderID)
	require.NoError(t, a.DeleteCard(ctx, visa.Token))
	_, err = a.Charge(ctx, cardprocessor.ChargeRequest{Amount: 100, Currency: "CAD", Token: visa.Token, IdempotencyKey: "k3"})
	require.ErrorIs(t, err, cardprocessor.ErrInvalidToken, "deleted")
	_, err = b.SaveCard(ctx, visa.Token)
	require.ErrorIs(t, err, cardprocessor.ErrInvalidToken, "a saved card cannot be saved again")
}
