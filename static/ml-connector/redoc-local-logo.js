// Redoc's sidebar footer loads the Redocly logo from cdn.redoc.ly, written into its code. The API
// documentation loads nothing from elsewhere (and the Content-Security-Policy would refuse it), so
// that one image address becomes an empty image as Redoc sets it; the footer keeps its text.
(() => {
  const redoclyLogo = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  const emptyImage = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";
  const local = (value) => (String(value) === redoclyLogo ? emptyImage : value);
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, name === "src" ? local(value) : value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, local(value));
    },
  });
})();
