package model

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Assign copies a validated Input into dst, a pointer to a struct whose
// fields are named like the model's members (or carry a json tag with the
// member name). Members without a field are ignored. Fields may be string,
// int/int32/int64, float64, bool, time.Time, pointers to those, slices,
// nested structs and map[string]string.
func Assign(in Input, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("assign: destination must be a pointer to a struct, not %T", dst)
	}
	return assignStruct(map[string]any(in), v.Elem())
}

func fieldName(f reflect.StructField) string {
	if tag, ok := f.Tag.Lookup("json"); ok {
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			return ""
		}
		if name != "" {
			return name
		}
	}
	return f.Name
}

func assignStruct(m map[string]any, v reflect.Value) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := fieldName(f)
		val, ok := m[name]
		if !ok || name == "" {
			continue
		}
		if err := assignValue(val, v.Field(i)); err != nil {
			return fmt.Errorf("assign %s: %w", name, err)
		}
	}
	return nil
}

var timeType = reflect.TypeOf(time.Time{})

func assignValue(val any, dst reflect.Value) error {
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		if err := assignValue(val, p.Elem()); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	if dst.Type() == timeType {
		t, ok := val.(time.Time)
		if !ok {
			return fmt.Errorf("expected a timestamp, got %T", val)
		}
		dst.Set(reflect.ValueOf(t))
		return nil
	}
	switch dst.Kind() {
	case reflect.String:
		s, ok := val.(string)
		if !ok {
			return fmt.Errorf("expected a string, got %T", val)
		}
		dst.SetString(s)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, ok := val.(int64)
		if !ok {
			return fmt.Errorf("expected an integer, got %T", val)
		}
		dst.SetInt(n)
	case reflect.Float32, reflect.Float64:
		switch n := val.(type) {
		case float64:
			dst.SetFloat(n)
		case int64:
			dst.SetFloat(float64(n))
		default:
			return fmt.Errorf("expected a number, got %T", val)
		}
	case reflect.Bool:
		b, ok := val.(bool)
		if !ok {
			return fmt.Errorf("expected a boolean, got %T", val)
		}
		dst.SetBool(b)
	case reflect.Slice:
		items, ok := val.([]any)
		if !ok {
			return fmt.Errorf("expected a list, got %T", val)
		}
		s := reflect.MakeSlice(dst.Type(), len(items), len(items))
		for i, item := range items {
			if err := assignValue(item, s.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		dst.Set(s)
	case reflect.Map:
		obj, ok := val.(map[string]any)
		if !ok {
			return fmt.Errorf("expected an object, got %T", val)
		}
		mv := reflect.MakeMapWithSize(dst.Type(), len(obj))
		for k, item := range obj {
			ev := reflect.New(dst.Type().Elem()).Elem()
			if err := assignValue(item, ev); err != nil {
				return fmt.Errorf(".%s: %w", k, err)
			}
			mv.SetMapIndex(reflect.ValueOf(k), ev)
		}
		dst.Set(mv)
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			return fmt.Errorf("expected an object, got %T", val)
		}
		return assignStruct(obj, dst)
	default:
		return fmt.Errorf("unsupported field kind %s", dst.Kind())
	}
	return nil
}
