export function App() {
  return <h1>ACME shop</h1>;
}
