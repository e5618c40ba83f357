// bottleneck ships types for its main entry only; light.js is the same API without clustering,
// and the one @octokit/plugin-throttling itself uses.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
