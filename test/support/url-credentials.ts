/** URL credentials in every form pip accepts, with what the log must show and what pip sends. */
export interface Form {
  what: string;
  /** as the user writes it (an input, PIP_INDEX_URL, a find-links line…) */
  url: string;
  /** the URL as the log must show it */
  shown: string;
  /** the credential a client sends, once decoded */
  secret: string;
  user: string;
  /** the user is the token and the password is there but empty (`https://TOKEN:@host`): pip reads "" */
  emptyPassword?: true;
}

// every case has its own secret: registering one must not hide another case's failure
export const FORMS: Form[] = [
  {
    what: "password with a raw @ (userinfo ends at the last @)",
    url: "https://ci:p@ss-One@w0rd@pypi.example.com/simple",
    shown: "https://ci:***@pypi.example.com/simple",
    secret: "p@ss-One@w0rd",
    user: "ci",
  },
  {
    what: "raw @ and no path",
    url: "https://ci:tw0@at@sign@pypi.example.com",
    shown: "https://ci:***@pypi.example.com",
    secret: "tw0@at@sign",
    user: "ci",
  },
  {
    what: "percent-encoded password, port, query and fragment",
    url: "https://ci:en%40c%3Aoded%2Fpw%21@pypi.example.com:8443/simple?x=1#frag",
    shown: "https://ci:***@pypi.example.com:8443/simple?x=1#frag",
    secret: "en@c:oded/pw!",
    user: "ci",
  },
  {
    what: "token alone as the user",
    url: "https://ghp_tokenAlone42@pypi.example.com/simple",
    shown: "https://***@pypi.example.com/simple",
    secret: "ghp_tokenAlone42",
    user: "ghp_tokenAlone42",
  },
  {
    what: "token as the user with an empty password (https://TOKEN:@host, as hosted registries document)",
    url: "https://tok3n-AsUser9:@pkgs.example.com/simple",
    shown: "https://***@pkgs.example.com/simple",
    secret: "tok3n-AsUser9",
    user: "tok3n-AsUser9",
    emptyPassword: true,
  },
  {
    what: "percent-encoded token as the user",
    url: "https://enc%2Btok%2Fen42@pkgs.example.com/simple",
    shown: "https://***@pkgs.example.com/simple",
    secret: "enc+tok/en42",
    user: "enc+tok/en42",
  },
  {
    what: "password holding a colon",
    url: "https://__token__:pypi-AgEI:colon:part@upload.example.com/legacy/",
    shown: "https://__token__:***@upload.example.com/legacy/",
    secret: "pypi-AgEI:colon:part",
    user: "__token__",
  },
  {
    what: "VCS find-links / direct reference",
    url: "git+https://ci:vcs-S3cret@git.example.com/org/repo.git@v1",
    shown: "git+https://ci:***@git.example.com/org/repo.git@v1",
    secret: "vcs-S3cret",
    user: "ci",
  },
  {
    what: "uv's named index (UV_INDEX=name=url)",
    url: "internal=https://ci:uv-N4med@pypi.example.com/simple",
    shown: "internal=https://ci:***@pypi.example.com/simple",
    secret: "uv-N4med",
    user: "ci",
  },
];
