package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"dangjian/internal/date"
)

// Version is the API document's version.
const Version = "1.0.0"

var (
	docOnce sync.Once
	docJSON []byte
	docErr  error
)

// OpenAPI builds the OpenAPI 3 document of the route table.
func (a *API) OpenAPI() (*openapi3.T, error) {
	schemas := openapi3.Schemas{}
	dateType := reflect.TypeFor[date.Date]()
	gen := openapi3gen.NewGenerator(
		openapi3gen.UseAllExportedFields(),
		openapi3gen.SchemaCustomizer(func(_ string, t reflect.Type, _ reflect.StructTag, s *openapi3.Schema) error {
			if t == dateType {
				*s = *openapi3.NewStringSchema().WithFormat("date")
				s.Nullable = true
			}
			return nil
		}),
	)
	schemaOf := func(v any) (*openapi3.SchemaRef, error) { return gen.NewSchemaRefForValue(v, schemas) }
	errRef, err := schemaOf(ErrorBody{})
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "党建工作平台 dangjian API", Version: Version,
			Description: "党组织、单位、党员、发展党员、流动党员、组织关系转接和实时统计。错误以 {\"error\":{\"code\",\"message\"}} 返回,message 为中文。"},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: schemas},
	}
	pathParam := regexp.MustCompile(`\{(\w+)\}`)
	for _, rt := range a.Routes() {
		op := openapi3.NewOperation()
		op.Summary, op.Tags = rt.Summary, []string{rt.Tag}
		op.OperationID = strings.ToLower(rt.Method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "").Replace(rt.Path)
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewInt64Schema()))
		}
		for _, q := range rt.Query {
			s := openapi3.NewStringSchema()
			switch q.Type {
			case "integer":
				s = openapi3.NewInt64Schema()
			case "boolean":
				s = openapi3.NewBoolSchema()
			}
			p := openapi3.NewQueryParameter(q.Name).WithSchema(s)
			p.Description = q.Desc
			op.AddParameter(p)
		}
		if rt.Body != nil {
			ref, err := schemaOf(rt.Body)
			if err != nil {
				return nil, err
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		op.Responses = openapi3.NewResponses()
		if rt.Result != nil {
			ref, err := schemaOf(rt.Result)
			if err != nil {
				return nil, err
			}
			op.AddResponse(status, openapi3.NewResponse().WithDescription("成功").WithJSONSchemaRef(ref))
		} else {
			op.AddResponse(status, openapi3.NewResponse().WithDescription("成功,无内容"))
		}
		op.Responses.Set("default", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("错误").WithJSONSchemaRef(errRef)})
		item := doc.Paths.Value(rt.Path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(rt.Path, item)
		}
		item.SetOperation(rt.Method, op)
	}
	return doc, nil
}

func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	docOnce.Do(func() {
		doc, err := a.OpenAPI()
		if err != nil {
			docErr = err
			return
		}
		docJSON, docErr = json.Marshal(doc)
	})
	if docErr != nil {
		a.writeError(w, r, docErr)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(docJSON)))
	_, _ = w.Write(docJSON)
}
