package booking

import (
	"strconv"
	"strings"
	"time"

	"github.com/kith-health/kith"
)

// clock is a local time of day in minutes after midnight; 1440 is 24:00.
type clock int

// parseClock reads HH:MM (00:00 to 24:00).
func parseClock(field, s string) (clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, kith.Invalid(field, "%q is not a time of day written HH:MM, such as 09:00", s)
	}
	return clock(hh*60 + mm), nil
}

// String writes c as HH:MM.
func (c clock) String() string {
	return twoDigits(int(c)/60) + ":" + twoDigits(int(c)%60)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// at is the instant of wall-clock time c on the local date (y, m, d) in loc.
// time.Date resolves a time skipped by a daylight-saving change forward and
// a repeated one to its first occurrence; 24:00 is the next day's midnight.
func at(y int, m time.Month, d int, c clock, loc *time.Location) time.Time {
	return time.Date(y, m, d, int(c)/60, int(c)%60, 0, 0, loc)
}

// dateKey is a local date as an integer, yyyymmdd, for map lookups.
func dateKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }
