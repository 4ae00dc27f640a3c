// Package testprovider is a cardprocessor.Provider that moves no money, for tests,
// demos and sandboxes. It answers deterministically by token, like a real
// provider's test mode:
//
//	tok_visa                visa ending 4242: saves and charges
//	tok_mastercard          mastercard ending 4444: saves and charges
//	tok_insufficient_funds  visa ending 9995: saves, but every charge is declined (insufficient_funds)
//	tok_declined            visa ending 0002: declined on charge and on save (card_declined)
//
// Any other token is cardprocessor.ErrInvalidToken. Saved cards get tokens of
// their own (card_test_…) that charge like the token they came from until
// they are deleted. Charges are idempotent by key.
//
// Several kith processes may each have a Provider and answer alike: a saved
// card's token names the token it came from, so any process charges it,
// and a charge's ID is made from its idempotency key, so a retry through
// another process gets the same one. Only what a process saw itself is
// kept in its memory: deletions (another process still charges a card
// deleted through this one) and the check that a key is not reused for
// another request.
package testprovider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/kith-health/kith/billing/cardprocessor"
)

// Provider is the test payment provider. The zero value is not ready: use New.
type Provider struct {
	mu      sync.Mutex
	saved   map[string]string // saved card token -> token it came from
	deleted map[string]bool   // saved card tokens deleted through this Provider
	byKey   map[string]result
	charges []cardprocessor.ChargeRequest
	err     error
	lost    error                            // answers charges with, once made
	hold    chan struct{}                    // while not nil, charges wait for it to close
	holding chan cardprocessor.ChargeRequest // where waiting charges are announced
}

type result struct {
	req    cardprocessor.ChargeRequest
	charge cardprocessor.Charge
	err    error
}

var _ cardprocessor.Provider = (*Provider)(nil)

// New returns a test provider that has saved no cards.
func New() *Provider {
	return &Provider{saved: map[string]string{}, deleted: map[string]bool{}, byKey: map[string]result{}}
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
	"tok_insufficient_funds": {brand: "visa", last4: "9995", chargeErr: &cardprocessor.DeclinedError{
		Code: "insufficient_funds", Reason: "the card has insufficient funds",
	}},
	"tok_declined": {brand: "visa", last4: "0002",
		saveErr:   &cardprocessor.DeclinedError{Code: "card_declined", Reason: "the card was declined"},
		chargeErr: &cardprocessor.DeclinedError{Code: "card_declined", Reason: "the card was declined"},
	},
}

// savedPrefix starts a saved card's token: card_test_RANDOM_KIND, where
// tok_KIND is the token it came from (card_test_…_visa from tok_visa).
const savedPrefix = "card_test_"

// lookup is the behaviour of token, following a saved card to its origin.
func (p *Provider) lookup(token string) (card, bool) {
	if p.deleted[token] {
		return card{}, false
	}
	if rest, ok := strings.CutPrefix(token, savedPrefix); ok {
		_, origin, _ := strings.Cut(rest, "_")
		token = "tok_" + origin
	}
	c, ok := cards[token]
	return c, ok
}

// Charge implements cardprocessor.Provider.
func (p *Provider) Charge(ctx context.Context, r cardprocessor.ChargeRequest) (cardprocessor.Charge, error) {
	if err := p.wait(ctx, r); err != nil {
		return cardprocessor.Charge{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return cardprocessor.Charge{}, p.err
	}
	charge, err := p.charge(r)
	if p.lost != nil {
		return cardprocessor.Charge{}, p.lost
	}
	return charge, err
}

// wait holds a charge while Hold is in force.
func (p *Provider) wait(ctx context.Context, r cardprocessor.ChargeRequest) error {
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
func (p *Provider) charge(r cardprocessor.ChargeRequest) (cardprocessor.Charge, error) {
	if r.IdempotencyKey != "" {
		if prev, ok := p.byKey[r.IdempotencyKey]; ok {
			if prev.req != r {
				return cardprocessor.Charge{}, errors.New("testprovider: idempotency key reused with a different request")
			}
			return prev.charge, prev.err
		}
	}
	if r.Amount <= 0 {
		return cardprocessor.Charge{}, fmt.Errorf("testprovider: amount %d is not positive", r.Amount)
	}
	c, ok := p.lookup(r.Token)
	if !ok {
		return cardprocessor.Charge{}, cardprocessor.ErrInvalidToken
	}
	p.charges = append(p.charges, r)
	res := result{req: r, charge: cardprocessor.Charge{ProviderID: chargeID(r.IdempotencyKey), Status: cardprocessor.StatusSucceeded}}
	if c.chargeErr != nil {
		d := *c.chargeErr.(*cardprocessor.DeclinedError)
		d.ProviderID = res.charge.ProviderID
		res.charge.Status, res.err = cardprocessor.StatusFailed, &d
	}
	if r.IdempotencyKey != "" {
		p.byKey[r.IdempotencyKey] = res
	}
	return res.charge, res.err
}

// SaveCard implements cardprocessor.Provider.
func (p *Provider) SaveCard(ctx context.Context, token string) (cardprocessor.Card, error) {
	if err := p.wait(ctx, cardprocessor.ChargeRequest{Token: token}); err != nil {
		return cardprocessor.Card{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return cardprocessor.Card{}, p.err
	}
	c, ok := cards[token] // a saved card cannot be saved again
	if !ok {
		return cardprocessor.Card{}, cardprocessor.ErrInvalidToken
	}
	if c.saveErr != nil {
		return cardprocessor.Card{}, c.saveErr
	}
	saved := savedPrefix + random() + "_" + strings.TrimPrefix(token, "tok_") // not the one-time token itself
	p.saved[saved] = token
	return cardprocessor.Card{Token: saved, Brand: c.brand, Last4: c.last4, ExpMonth: 12, ExpYear: 2034}, nil
}

// DeleteCard implements cardprocessor.Provider.
func (p *Provider) DeleteCard(_ context.Context, token string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	delete(p.saved, token)
	if strings.HasPrefix(token, savedPrefix) {
		p.deleted[token] = true
	}
	return nil
}

// chargeID is the ID of a charge made with key: the same from every
// process, for a key; random without one.
func chargeID(key string) string {
	if key == "" {
		return "ch_test_" + random()
	}
	sum := sha256.Sum256([]byte(key))
	return "ch_test_" + letters(sum[:16])
}

// random is 16 random lowercase letters.
func random() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return letters(b[:])
}

// letters writes b as lowercase letters, one a byte: an ID of the test
// provider never holds a run of digits that reads as a card number (the
// tests look for one in every stored value).
func letters(b []byte) string {
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = 'a' + v%26
	}
	return string(out)
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
func (p *Provider) Hold() (charging <-chan cardprocessor.ChargeRequest, release func()) {
	hold, holding := make(chan struct{}), make(chan cardprocessor.ChargeRequest, 64)
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
func (p *Provider) Charges() []cardprocessor.ChargeRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]cardprocessor.ChargeRequest(nil), p.charges...)
}

// Saved reports whether token is a card the provider still keeps.
func (p *Provider) Saved(token string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.saved[token]
	return ok
}
