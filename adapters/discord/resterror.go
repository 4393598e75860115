package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot/text"
)

// Bounds of describe: a rejected command registration answers with every
// validation error of every option, kilobytes of nested JSON.
const (
	maxValidationErrors = 3
	maxBodyQuote        = 120
)

// describe says what a failed request got, in one short line: the status,
// the request, Discord's message and code, and the first few validation
// errors with where they are ("options.1.description: Must be between 1
// and 100 in length."). A body that is not Discord's JSON (a proxy's or a
// wrong server's page) is quoted, cut short. Other errors are as they are.
func describe(err error) string {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return err.Error()
	}
	s := fmt.Sprintf("status %d", re.Response.StatusCode)
	if re.Request != nil {
		s += " from " + re.Request.Method + " " + re.Request.URL.Path
	}
	var body struct {
		Message string         `json:"message"`
		Code    int            `json:"code"`
		Errors  map[string]any `json:"errors"`
	}
	if json.Unmarshal(re.ResponseBody, &body) != nil || body.Message == "" {
		if quote := strings.Join(strings.Fields(string(re.ResponseBody)), " "); quote != "" {
			s += ": " + text.Truncate(quote, maxBodyQuote)
		}
		return s
	}
	s += ": " + text.Truncate(body.Message, maxBodyQuote)
	if body.Code != 0 {
		s += fmt.Sprintf(" (code %d)", body.Code)
	}
	found := validationErrors("", body.Errors, nil)
	if len(found) > maxValidationErrors {
		found = append(found[:maxValidationErrors], fmt.Sprintf("and %d more", len(found)-maxValidationErrors))
	}
	if len(found) > 0 {
		s += ": " + strings.Join(found, "; ")
	}
	return s
}

// validationErrors collects "path: message" from Discord's nested errors
// object, whose leaves are {"_errors": [{"code", "message"}]}, in key order.
func validationErrors(path string, node map[string]any, out []string) []string {
	keys := make([]string, 0, len(node))
	for k := range node {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "_errors" {
			list, _ := node[k].([]any)
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					msg, _ := m["message"].(string)
					out = append(out, strings.TrimPrefix(path+": ", ": ")+text.Truncate(msg, maxBodyQuote))
				}
			}
			continue
		}
		if child, ok := node[k].(map[string]any); ok {
			out = validationErrors(strings.TrimPrefix(path+"."+k, "."), child, out)
		}
	}
	return out
}
