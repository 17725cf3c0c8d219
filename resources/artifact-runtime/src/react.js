import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as JsxRuntime from 'react/jsx-runtime';
import { define } from './registry.js';

define('react', React);
define('react-dom', ReactDOM);
define('react-dom/client', ReactDOMClient);
define('react/jsx-runtime', JsxRuntime);
