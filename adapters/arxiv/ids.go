package arxiv

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"

	"paperboy/bot"
)

// MaxIDs is how many ids Papers asks arXiv for in one request: the URL
// stays short, and one page holds every answer.
const MaxIDs = 100

// Papers looks papers up by their arXiv ids through the API's id_list, in
// requests of MaxIDs ids, and returns those arXiv knows, in no particular
// order; an id arXiv does not know is left out. It stops at the first
// request that fails (EUNAVAILABLE when arXiv cannot be reached) and
// returns what it found before it, with the error.
func (c *Client) Papers(ctx context.Context, ids []string) ([]bot.Paper, error) {
	var papers []bot.Paper
	for start := 0; start < len(ids); start += MaxIDs {
		batch := ids[start:min(start+MaxIDs, len(ids))]
		u, err := c.idsURL(batch)
		if err != nil {
			return papers, err
		}
		err = c.get(ctx, "papers by id", u, func(body []byte) error {
			_, err := decodeAtom(bytes.NewReader(body), func(it bot.Item) error {
				papers = append(papers, it.Paper)
				return nil
			}, c.logSkip)
			if err != nil && bot.ErrorCode(err) != bot.EINVALID {
				return &failure{reason: "unreadable response"}
			}
			return err
		})
		if err != nil {
			return papers, err
		}
	}
	return papers, nil
}

// idsURL returns the API URL that asks for the papers of ids.
func (c *Client) idsURL(ids []string) (string, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return "", bot.Errorf(bot.EINVALID, "source.arxiv.base_url %q is not a URL.", c.BaseURL)
	}
	q := u.Query()
	q.Set("id_list", strings.Join(ids, ","))
	q.Set("start", "0")
	q.Set("max_results", strconv.Itoa(len(ids)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}
