// Accessible forms: every input has a label, its error is announced next to it
// (aria-describedby, aria-invalid), and a refused request shows the problem's title above the
// fields, so a person sees what to fix without reading a status code.

import {h, replace} from './dom.js';
import {ApiError} from './api.js';

let serial = 0;

/**
 * fields: [{name, label, type, options: [[value, text]], required, value, hint, autocomplete, min, max, step}]
 * onSubmit(values, form) may throw ApiError; its field errors land next to the fields.
 */
export function form({fields, submit, onSubmit, className}) {
  // Focusable, so a refusal of a long form scrolls its summary into view instead of leaving it above the fold.
  const alert = h('div', {class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true});
  const controls = new Map();
  const element = h('form', {class: className ?? 'stack', novalidate: true}, alert,
    fields.map((field) => {
      const row = fieldRow(field);
      controls.set(field.name, row);
      return row.element;
    }),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, submit)));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(alert, controls);
    const button = element.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await onSubmit(values(fields, controls), element);
    } catch (error) {
      showError(error, alert, controls);
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

function fieldRow(field) {
  const id = `f${++serial}-${field.name.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const error = h('span', {class: 'field-error', id: `${id}-error`, hidden: true});
  const hint = field.hint ? h('span', {class: 'hint', id: `${id}-hint`}, field.hint) : null;
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  const common = {id, name: field.name, required: field.required, disabled: field.disabled, 'aria-describedby': describedBy,
                  autocomplete: field.autocomplete};
  let input;
  if (field.type === 'select') {
    input = h('select', common, field.options.map(([value, text]) =>
      h('option', {value, selected: String(field.value ?? '') === String(value)}, text)));
  } else if (field.type === 'textarea') {
    input = h('textarea', {...common, rows: field.rows ?? 4}, field.value ?? '');
  } else if (field.type === 'checkbox') {
    input = h('input', {...common, type: 'checkbox', checked: Boolean(field.value)});
    return {element: h('div', {class: 'field check'}, input, h('label', {for: id}, field.label), hint, error), input, error, field};
  } else {
    input = h('input', {...common, type: field.type ?? 'text', value: field.value ?? '', min: field.min, max: field.max,
                        step: field.step, placeholder: field.placeholder});
  }
  return {element: h('div', {class: 'field'}, h('label', {for: id}, field.label, field.required ? ' *' : ''), input, hint, error),
          input, error, field};
}

function values(fields, controls) {
  const result = {};
  for (const field of fields) {
    const {input} = controls.get(field.name);
    if (field.type === 'checkbox') result[field.name] = input.checked;
    else if (field.type === 'number') result[field.name] = input.value === '' ? undefined : Number(input.value);
    else result[field.name] = input.value.trim() === '' ? undefined : input.value;
  }
  return result;
}

function clear(alert, controls) {
  alert.hidden = true;
  alert.replaceChildren();
  for (const {input, error} of controls.values()) {
    input.removeAttribute('aria-invalid');
    error.hidden = true;
    error.textContent = '';
  }
}

/** Shows an error in a form's alert and next to the fields it names. */
export function showError(error, alert, controls = new Map()) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    error = new ApiError(0, {title: 'Something went wrong in this page', detail: String(error?.message ?? error)});
  }
  const unplaced = [];
  for (const item of error.problem.errors ?? []) {
    const control = controls.get(item.field) ?? controls.get(String(item.field).split(/[.[]/)[0]);
    if (control) {
      control.input.setAttribute('aria-invalid', 'true');
      control.error.hidden = false;
      control.error.textContent = control.error.textContent ? `${control.error.textContent}; ${item.message}` : item.message;
    } else {
      unplaced.push(`${item.field}: ${item.message}`);
    }
  }
  replace(alert, h('strong', {}, error.message), unplaced.length ? h('ul', {}, unplaced.map((text) => h('li', {}, text))) : null);
  alert.hidden = false;
  alert.focus?.();
}

/** A button that runs `action` and shows its error in `alert` (for actions outside a form). */
export function actionButton(text, action, {className, alert} = {}) {
  const button = h('button', {type: 'button', class: className});
  button.textContent = text;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      const target = alert ?? document.getElementById('page-alert');
      showError(error, target);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** `{amount, currency}` from two form fields, or undefined when both are blank. */
export function moneyInput(amount, currency) {
  return amount === undefined && currency === undefined ? undefined : {amount, currency};
}
