// Package testprovider is a payment.Provider that moves no money, for tests,
// demos and sandboxes. It answers deterministically by token, like a real
// provider's test mode:
//
//	tok_visa                visa ending 4242: saves and charges
//	tok_mastercard          mastercard ending 4444: saves and charges
//	tok_insufficient_funds  visa ending 9995: saves, but every charge is declined (insufficient_funds)
//	tok_declined            visa ending 0002: declined on charge and on save (card_declined)
//
// Any other token is payment.ErrInvalidToken. Saved cards get tokens of
// their own (card_1, card_2…) that charge like the token they came from
// until they are deleted. Charges are idempotent by key.
package testprovider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/kith-health/kith/payment"
)

// Provider is the test payment provider. The zero value is not ready: use New.
type Provider struct {
	mu      sync.Mutex
	saved   map[string]string // saved card token -> token it came from
	byKey   map[string]result
	charges []payment.ChargeRequest
	seq     int
	err     error
	lost    error                      // answers charges with, once made
	hold    chan struct{}              // while not nil, charges wait for it to close
	holding chan payment.ChargeRequest // where waiting charges are announced
}

type result struct {
	req    payment.ChargeRequest
	charge payment.Charge
	err    error
}

var _ payment.Provider = (*Provider)(nil)

// New returns a test provider that has saved no cards.
func New() *Provider {
	return &Provider{saved: map[string]string{}, byKey: map[string]result{}}
}

// card is how a test token behaves.
type card struct {
	brand, last4 string
	saveErr      error
	chargeErr    error
}

var cards = map[string]card{
	"tok_visa":       {brand: "visa", last4: "4242"},
	"tok_mastercard": {brand: "mastercard", last4: "4444"},
	"tok_insufficient_funds": {brand: "visa", last4: "9995", chargeErr: &payment.DeclinedError{
		Code: "insufficient_funds", Reason: "the card has insufficient funds",
	}},
	"tok_declined": {brand: "visa", last4: "0002",
		saveErr:   &payment.DeclinedError{Code: "card_declined", Reason: "the card was declined"},
		chargeErr: &payment.DeclinedError{Code: "card_declined", Reason: "the card was declined"},
	},
}

// lookup is the behaviour of token, following a saved card to its origin.
func (p *Provider) lookup(token string) (card, bool) {
	if origin, ok := p.saved[token]; ok {
		token = origin
	}
	c, ok := cards[token]
	return c, ok
}

// Charge implements payment.Provider.
func (p *Provider) Charge(ctx context.Context, r payment.ChargeRequest) (payment.Charge, error) {
	if err := p.wait(ctx, r); err != nil {
		return payment.Charge{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return payment.Charge{}, p.err
	}
	charge, err := p.charge(r)
	if p.lost != nil {
		return payment.Charge{}, p.lost
	}
	return charge, err
}

// wait holds a charge while Hold is in force.
func (p *Provider) wait(ctx context.Context, r payment.ChargeRequest) error {
	p.mu.Lock()
	hold, holding := p.hold, p.holding
	p.mu.Unlock()
	if hold == nil {
		return nil
	}
	select {
	case holding <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// charge is Charge once the provider has it, with p.mu held.
func (p *Provider) charge(r payment.ChargeRequest) (payment.Charge, error) {
	if r.IdempotencyKey != "" {
		if prev, ok := p.byKey[r.IdempotencyKey]; ok {
			if prev.req != r {
				return payment.Charge{}, errors.New("testprovider: idempotency key reused with a different request")
			}
			return prev.charge, prev.err
		}
	}
	if r.Amount <= 0 {
		return payment.Charge{}, fmt.Errorf("testprovider: amount %d is not positive", r.Amount)
	}
	c, ok := p.lookup(r.Token)
	if !ok {
		return payment.Charge{}, payment.ErrInvalidToken
	}
	p.seq++
	p.charges = append(p.charges, r)
	res := result{req: r, charge: payment.Charge{ProviderID: fmt.Sprintf("ch_test_%d", p.seq), Status: payment.StatusSucceeded}}
	if c.chargeErr != nil {
		d := *c.chargeErr.(*payment.DeclinedError)
		d.ProviderID = res.charge.ProviderID
		res.charge.Status, res.err = payment.StatusFailed, &d
	}
	if r.IdempotencyKey != "" {
		p.byKey[r.IdempotencyKey] = res
	}
	return res.charge, res.err
}

// SaveCard implements payment.Provider.
func (p *Provider) SaveCard(ctx context.Context, token string) (payment.Card, error) {
	if err := p.wait(ctx, payment.ChargeRequest{Token: token}); err != nil {
		return payment.Card{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return payment.Card{}, p.err
	}
	c, ok := cards[token] // a saved card cannot be saved again
	if !ok {
		return payment.Card{}, payment.ErrInvalidToken
	}
	if c.saveErr != nil {
		return payment.Card{}, c.saveErr
	}
	p.seq++
	saved := fmt.Sprintf("card_test_%d", p.seq)
	p.saved[saved] = token
	return payment.Card{Token: saved, Brand: c.brand, Last4: c.last4, ExpMonth: 12, ExpYear: 2034}, nil
}

// DeleteCard implements payment.Provider.
func (p *Provider) DeleteCard(_ context.Context, token string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	delete(p.saved, token)
	return nil
}

// Fail makes every later call return err, as when the provider cannot be
// reached; nil restores it.
func (p *Provider) Fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// LoseAnswers makes later charges happen but answer err, as when the
// connection drops after the provider took the money; nil restores it.
func (p *Provider) LoseAnswers(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lost = err
}

// Hold makes the charges and card saves asked for from now on wait, as a
// slow provider's would, until release is called: each is sent on charging
// once it waits (up to 64 unread; a save as a request with only its Token).
// For tests of what happens while a charge or a save is under way.
func (p *Provider) Hold() (charging <-chan payment.ChargeRequest, release func()) {
	hold, holding := make(chan struct{}), make(chan payment.ChargeRequest, 64)
	p.mu.Lock()
	p.hold, p.holding = hold, holding
	p.mu.Unlock()
	var once sync.Once
	return holding, func() {
		once.Do(func() {
			p.mu.Lock()
			p.hold, p.holding = nil, nil
			p.mu.Unlock()
			close(hold)
		})
	}
}

// Charges lists the charges the provider was really asked for, declined
// ones included, in order; idempotent replays are not repeated.
func (p *Provider) Charges() []payment.ChargeRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]payment.ChargeRequest(nil), p.charges...)
}

// Saved reports whether token is a card the provider still keeps.
func (p *Provider) Saved(token string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.saved[token]
	return ok
}
