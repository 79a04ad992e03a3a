// blessed-contrib ships no type definitions; the widgets we use are typed where they are used.
declare module 'blessed-contrib';
declare module 'blessed-contrib/lib/widget/charts/line.js';
